import type { ApiScopes } from '../accounts/principal.js';

/** An API key as stored: never the secret itself, only its SHA-256 hash and a visible prefix. */
export interface ApiKey {
  id: string;
  /** The user who owns the key. */
  ownerUserId: string;
  /** The organisation the key belongs to, when any. */
  organizationId: string | null;
  name: string;
  /** The first characters of the secret, shown in listings so people can tell keys apart. */
  prefix: string;
  /** Hex SHA-256 of the full secret. */
  secretHash: string;
  scopes: ApiScopes;
  expiresAt: Date | null;
  createdAt: Date;
  revokedAt: Date | null;
  lastUsedAt: Date | null;
  /** The key this one replaced by rotation, when any. */
  rotatedFromId: string | null;
}

/** A newly created key together with its secret, which is shown exactly once. */
export interface IssuedApiKey {
  apiKey: ApiKey;
  secret: string;
}
