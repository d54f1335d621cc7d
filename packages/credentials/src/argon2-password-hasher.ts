import { hash, verify } from '@node-rs/argon2';

// `Algorithm.Argon2id` is an ambient const enum, which isolated modules cannot read: its value is 2.
const argon2id = 2;
import type { PasswordHasher } from '@charter/core';

/** Argon2id parameters; the defaults are OWASP's first recommendation (19 MiB, 2 passes, 1 lane). */
export interface Argon2Parameters {
  memoryCostKiB: number;
  timeCost: number;
  parallelism: number;
}

export const owaspArgon2Parameters: Argon2Parameters = { memoryCostKiB: 19_456, timeCost: 2, parallelism: 1 };

/** `PasswordHasher` with Argon2id (ACC-3), hashed on libuv's thread pool so the event loop keeps serving. */
export class Argon2PasswordHasher implements PasswordHasher {
  readonly #parameters: Argon2Parameters;

  constructor(parameters: Argon2Parameters = owaspArgon2Parameters) {
    this.#parameters = parameters;
  }

  hash(password: string): Promise<string> {
    return hash(password, {
      algorithm: argon2id,
      memoryCost: this.#parameters.memoryCostKiB,
      timeCost: this.#parameters.timeCost,
      parallelism: this.#parameters.parallelism,
    });
  }

  async verify(passwordHash: string, password: string): Promise<boolean> {
    try {
      return await verify(passwordHash, password);
    } catch {
      return false;
    }
  }
}
