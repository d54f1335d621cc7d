import type { AddressInfo } from 'node:net';
import path from 'node:path';
import {
  AccountAccess,
  AccountNotifier,
  AccountSecurityService,
  AccountStatusService,
  CustomerProfileService,
  StaffAccountService,
  type ApiKeyService,
  AttemptThrottle,
  type AuditActor,
  type AuditLog,
  type ContentCipher,
  defaultAgesOfMajority,
  InMemoryRateLimitStore,
  type Logger,
  type Mailer,
  OneTimeTokenService,
  PasswordService,
  type RateLimitStore,
  RegistrationService,
  ResilientRateLimitStore,
  SessionService,
  SignInService,
  systemClock,
  type User,
} from '@charter/core';
import { Argon2PasswordHasher, ZxcvbnPasswordRules } from '@charter/credentials';
import { RedisRateLimitStore } from '@charter/limits-redis';
import { OutboxMailer, SmtpMailer } from '@charter/mailer-smtp';
import {
  type Database,
  SqlIdentityBlocklist,
  SqlCustomerProfileRepository,
  SqlKnownDeviceRepository,
  SqlOneTimeTokenRepository,
  SqlSessionRepository,
  SqlSsoIdentityRepository,
  SqlUserRepository,
} from '@charter/storage';
import type { Redis } from 'ioredis';
import type { CharterConfig } from './config.js';
import { createTwoFactor, createTwoFactorChecker, type TwoFactorWiring } from './two-factor.js';
import { createEligibilityChecker } from './eligibility.js';

/** Accounts, sign-in and sessions wired to their adapters (ACC-*). */
export interface AccountsWiring {
  users: SqlUserRepository;
  sessions: SessionService;
  access: AccountAccess;
  registration: RegistrationService;
  signIn: SignInService;
  passwords: PasswordService;
  security: AccountSecurityService;
  tokens: OneTimeTokenService;
  notifier: AccountNotifier;
  throttle: AttemptThrottle;
  /** Two-factor authentication (ACC-4). */
  twoFactor: TwoFactorWiring;
  /** Account states set by staff (ACC-10). */
  statuses: AccountStatusService;
  /** Customer profiles and their verification (ACC-6). */
  profiles: CustomerProfileService;
  /** Staff accounts (ADM-6). */
  staff: StaffAccountService;
  close(): Promise<void>;
}

/** The mailer of the configuration: SMTP when configured, else the development outbox. */
export function createMailer(config: CharterConfig): Mailer {
  if (config.mail.smtpUrl) return new SmtpMailer({ url: config.mail.smtpUrl, from: config.mail.from, requireTls: config.mail.requireTls });
  return new OutboxMailer({ directory: outboxDirectory(config), from: config.mail.from });
}

export function outboxDirectory(config: CharterConfig): string {
  return config.mail.outboxDir ?? path.join(config.dataDir, 'outbox');
}

/** The URL people reach the service at, for links in emails: configured, else the address it listens on. */
export function publicUrl(config: CharterConfig, server?: { address(): AddressInfo | string | null }): string {
  if (config.publicUrl) return config.publicUrl;
  const address = server?.address();
  const host = config.server.host;
  const port = address && typeof address === 'object' ? address.port : config.server.port;
  return `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
}

/** Guesses at secrets are throttled in the shared store when there is Redis, so the limits hold across nodes. */
function createAttemptStore(config: CharterConfig, redis: Redis | undefined, logger: Logger): { store: RateLimitStore; close(): void } {
  const local = new InMemoryRateLimitStore();
  if (!redis) return { store: local, close: () => {} };
  const resilient = new ResilientRateLimitStore({
    primary: new RedisRateLimitStore({ redis }),
    fallback: local,
    policy: 'fail_open_local',
    commandTimeoutMs: config.limits.redisCommandTimeoutMs,
    logger,
  });
  return { store: resilient, close: () => resilient.close() };
}

export function createAccounts(options: {
  config: CharterConfig;
  database: Database;
  redis: Redis | undefined;
  audit: AuditLog;
  apiKeys: ApiKeyService;
  notifier: AccountNotifier;
  logger: Logger;
  /** Other capabilities' checks before an account is deleted (organisations it owns). */
  beforeDeletion?: (user: User, actor: AuditActor) => Promise<void>;
  /** Seals secrets at rest (PRV-9): the TOTP secrets here. */
  contentCipher: ContentCipher;
}): AccountsWiring {
  const { config, database, redis, audit, apiKeys, notifier, logger, contentCipher } = options;
  const clock = systemClock;
  const users = new SqlUserRepository(database.db);
  const attemptStore = createAttemptStore(config, redis, logger);
  const throttle = new AttemptThrottle({ store: attemptStore.store, clock });
  const tokens = new OneTimeTokenService({ repository: new SqlOneTimeTokenRepository(database.db), clock });
  const passwordHasher = new Argon2PasswordHasher();
  const passwordRules = new ZxcvbnPasswordRules();
  const access = new AccountAccess({ users, clock, cacheTtlMs: config.accounts.accessCacheTtlMs });
  const sessions = new SessionService({
    repository: new SqlSessionRepository(database.db),
    audit,
    clock,
    logger,
    idleTimeoutMs: config.accounts.sessionIdleTimeoutMs,
    absoluteTimeoutMs: config.accounts.sessionAbsoluteTimeoutMs,
  });
  const eligibility = createEligibilityChecker(config);
  const blocklist = new SqlIdentityBlocklist(database.db);
  const registration = new RegistrationService({
    users,
    passwordHasher,
    passwordRules,
    eligibility,
    blocklist,
    tokens,
    throttle,
    notifier,
    audit,
    clock,
    logger,
    legalVersions: { terms: config.accounts.legal.termsVersion, privacy: config.accounts.legal.privacyVersion },
    agesOfMajority: { ...defaultAgesOfMajority, ...config.accounts.agesOfMajority },
  });
  const secondFactor = createTwoFactorChecker({ database, cipher: contentCipher, throttle, audit, clock, users, notifier });
  const signIn = new SignInService({ users, sessions, passwordHasher, knownDevices: new SqlKnownDeviceRepository(database.db), tokens, throttle, notifier, audit, clock, logger, secondFactor, connectionEligibility: eligibility });
  const passwords = new PasswordService({ users, sessions, signIn, passwordHasher, passwordRules, tokens, throttle, notifier, accountAccess: access, audit, clock });
  const security = new AccountSecurityService({ users, sessions, apiKeys, signIn, tokens, notifier, accountAccess: access, audit, clock, secondFactor, beforeDeletion: options.beforeDeletion });
  const twoFactor = createTwoFactor({ database, checker: secondFactor, cipher: contentCipher, users, signIn, security, tokens, throttle, notifier, audit, clock, issuer: config.accounts.twoFactorIssuer });
  // ssoIdentities: the SSO capability passes its verified identities here, so termination blocks them too.
  // Termination blocks the account's verified SSO identities too (issuer + subject, as SSO checks them).
  const ssoIdentities = new SqlSsoIdentityRepository(database.db);
  const statuses = new AccountStatusService({
    users,
    sessions,
    apiKeys,
    blocklist,
    accountAccess: access,
    notifier,
    audit,
    clock,
    ssoIdentities: { listVerifiedSsoIdentities: async (userId) => (await ssoIdentities.listByUser(userId)).map((identity) => ({ provider: identity.issuer, subject: identity.subject })) },
  });
  const profiles = new CustomerProfileService({ profiles: new SqlCustomerProfileRepository(database.db), users, audit, clock });
  const staff = new StaffAccountService({ users, passwordHasher, passwordRules, tokens, blocklist, audit, clock });
  return {
    users,
    sessions,
    access,
    registration,
    signIn,
    passwords,
    security,
    tokens,
    notifier,
    throttle,
    twoFactor,
    statuses,
    profiles,
    staff,
    async close() {
      await sessions.close();
      attemptStore.close();
    },
  };
}

export { AccountNotifier };
