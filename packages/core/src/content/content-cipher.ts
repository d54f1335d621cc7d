/**
 * Port: encryption of secrets and user content at rest (PRV-9). Every value is sealed with a key of its own and
 * bound to `associatedData`, a string naming where the value belongs (table, column, owner), so a sealed value
 * copied to another row or owner does not open there.
 */
export interface ContentCipher {
  /** Seal `plaintext` (UTF-8) for storage; the result is a printable string that carries its key id. */
  encrypt(plaintext: string, associatedData: string): Promise<string>;
  /**
   * Open a sealed value with the same `associatedData`; throws `ContentIntegrityError` when it was altered,
   * belongs elsewhere or its master key is not configured.
   */
  decrypt(sealed: string, associatedData: string): Promise<string>;
  /** Whether `sealed` was made with an older master key (and should be re-sealed by a rotation job). */
  needsReencryption(sealed: string): boolean;
}

/**
 * A sealed value that cannot be opened: tampered with, bound to other associated data, or sealed with a
 * master key this node does not have. Deliberately not a `CharterError`: it is a server fault (500), never
 * the client's.
 */
export class ContentIntegrityError extends Error {
  constructor(message: string, options: { cause?: unknown } = {}) {
    super(message, options);
    this.name = 'ContentIntegrityError';
  }
}
