export * from './argon2-password-hasher.js';
export * from './zxcvbn-password-rules.js';
export * from './otplib-totp-algorithm.js';
