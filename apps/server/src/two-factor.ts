import {
  type AccountNotifier,
  type AccountSecurityService,
  type AttemptThrottle,
  type AuditLog,
  type Clock,
  type ContentCipher,
  type OneTimeTokenService,
  SecondFactorSignInService,
  type SignInService,
  TwoFactorChecker,
  TwoFactorService,
  type UserRepository,
} from '@charter/core';
import { OtplibTotpAlgorithm } from '@charter/credentials';
import { type Database, SqlTwoFactorRepository } from '@charter/storage';

/** Two-factor authentication (ACC-4): the code checker sign-in consults, enrolment, and the challenge step. */
export interface TwoFactorWiring {
  checker: TwoFactorChecker;
  service: TwoFactorService;
  signIn: SecondFactorSignInService;
}

/** The checker comes first: SignInService and AccountSecurityService are built with it. */
export function createTwoFactorChecker(options: {
  database: Database;
  cipher: ContentCipher;
  throttle: AttemptThrottle;
  audit: AuditLog;
  clock: Clock;
  users: UserRepository;
  notifier: AccountNotifier;
}): TwoFactorChecker {
  return new TwoFactorChecker({ repository: new SqlTwoFactorRepository(options.database.db), totp: new OtplibTotpAlgorithm(), ...options });
}

export function createTwoFactor(options: {
  database: Database;
  checker: TwoFactorChecker;
  cipher: ContentCipher;
  users: UserRepository;
  signIn: SignInService;
  security: AccountSecurityService;
  tokens: OneTimeTokenService;
  throttle: AttemptThrottle;
  notifier: AccountNotifier;
  audit: AuditLog;
  clock: Clock;
  issuer: string;
}): TwoFactorWiring {
  const { database, checker, users, signIn, tokens } = options;
  const service = new TwoFactorService({ ...options, repository: new SqlTwoFactorRepository(database.db), totp: new OtplibTotpAlgorithm() });
  return { checker, service, signIn: new SecondFactorSignInService({ tokens, users, signIn, checker }) };
}
