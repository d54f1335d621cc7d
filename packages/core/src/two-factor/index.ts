export * from './recovery-codes.js';
export * from './second-factor-sign-in-service.js';
export * from './totp-algorithm.js';
export * from './two-factor-checker.js';
export * from './two-factor-credential.js';
export * from './two-factor-repository.js';
export * from './two-factor-service.js';
