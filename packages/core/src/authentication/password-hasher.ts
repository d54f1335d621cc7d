/** Port: slow, salted password hashing (Argon2id in production, ACC-3). */
export interface PasswordHasher {
  /** A self-describing hash string (algorithm, parameters, salt, digest). */
  hash(password: string): Promise<string>;
  /** Whether `password` matches `passwordHash`; false (never a throw) for a malformed hash. */
  verify(passwordHash: string, password: string): Promise<boolean>;
}
