import type { ApiKey } from './api-key.js';

/** What an update of a key may change. */
export type ApiKeySettings = Pick<ApiKey, 'name' | 'scopes'>;

/** Port: persistence of API keys. Every read of a user's keys takes the owner. */
export interface ApiKeyRepository {
  insert(apiKey: ApiKey): Promise<void>;
  /** Keys of one owner, newest first, revoked ones included. */
  listByOwner(ownerUserId: string): Promise<ApiKey[]>;
  /** One key of one owner; `undefined` when it does not exist or belongs to someone else. */
  findByOwner(ownerUserId: string, apiKeyId: string): Promise<ApiKey | undefined>;
  /** Authentication lookup by secret hash (the hash is the capability; no owner is known yet). */
  findBySecretHash(secretHash: string): Promise<ApiKey | undefined>;
  /** Mark a key revoked; returns false when it does not exist for this owner or was already revoked. */
  revoke(ownerUserId: string, apiKeyId: string, revokedAt: Date): Promise<boolean>;
  /**
   * Change the name and scopes of an active key to what `change` makes of its current ones, atomically: a
   * concurrent update of the same key waits, so it starts from this one's result and neither is lost. An
   * error thrown by `change` changes nothing. `undefined` (and no change) when it is not an active key of this owner.
   */
  updateSettings(ownerUserId: string, apiKeyId: string, change: (current: ApiKey) => ApiKeySettings): Promise<ApiKey | undefined>;
  /** Revoke every active key of an owner; returns the keys it revoked. */
  revokeAllOfOwner(ownerUserId: string, revokedAt: Date): Promise<ApiKey[]>;
  /** Atomically revoke `oldKeyId` and insert `replacement`; false (and no change) when the old key is not active. */
  replace(ownerUserId: string, oldKeyId: string, replacement: ApiKey, revokedAt: Date): Promise<boolean>;
  /** Store last-used times in one batch; a later time never goes back to an earlier one. */
  recordLastUsed(entries: ReadonlyArray<{ apiKeyId: string; lastUsedAt: Date }>): Promise<void>;
}
