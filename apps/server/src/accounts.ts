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
  type AuditLog,
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
  SqlUserRepository,
} from '@charter/storage';
import type { Redis } from 'ioredis';
import type { CharterConfig } from './config.js';
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

/** The URL people reach the service at, for links in emails. */
export function publicUrl(config: CharterConfig): string {
  return config.publicUrl ?? `http://${config.server.host.includes(':') ? `[${config.server.host}]` : config.server.host}:${config.server.port}`;
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
}): AccountsWiring {
  const { config, database, redis, audit, apiKeys, notifier, logger } = options;
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
  const signIn = new SignInService({ users, sessions, passwordHasher, knownDevices: new SqlKnownDeviceRepository(database.db), tokens, throttle, notifier, audit, clock, logger, connectionEligibility: eligibility });
  const passwords = new PasswordService({ users, sessions, signIn, passwordHasher, passwordRules, tokens, throttle, notifier, accountAccess: access, audit, clock });
  const security = new AccountSecurityService({ users, sessions, apiKeys, signIn, tokens, notifier, accountAccess: access, audit, clock });
  // ssoIdentities: the SSO capability passes its verified identities here, so termination blocks them too.
  const statuses = new AccountStatusService({ users, sessions, apiKeys, blocklist, accountAccess: access, notifier, audit, clock });
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
