import { CharterError, InvalidRequestError, apiEndpoints, type ApiEndpoint, type ApiKey, type ApiKeyRepository, type ApiKeySettings, type ApiScopes, type RateLimits, unlimitedRateLimits } from '@charter/core';
import type { Insertable, Kysely, Selectable, UpdateQueryBuilder, UpdateResult } from 'kysely';
import type { ApiKeysTable, DatabaseSchema } from './database-schema.js';
import {
  fromEpochMilliseconds,
  fromNullableEpochMilliseconds,
  toEpochMilliseconds,
  toNullableEpochMilliseconds,
} from './epoch-milliseconds.js';
import { isUniqueViolation } from './error-details.js';

/** `ApiKeyRepository` on SQLite or PostgreSQL. Every read of keys filters by owner except the auth lookup. */
export class SqlApiKeyRepository implements ApiKeyRepository {
  readonly #db: Kysely<DatabaseSchema>;

  constructor(db: Kysely<DatabaseSchema>) {
    this.#db = db;
  }

  async insert(apiKey: ApiKey): Promise<void> {
    await insertApiKey(this.#db, apiKey);
  }

  async listByOwner(ownerUserId: string): Promise<ApiKey[]> {
    const rows = await this.#db
      .selectFrom('api_keys')
      .selectAll()
      .where('owner_user_id', '=', ownerUserId)
      .orderBy('created_at', 'desc')
      .orderBy('id', 'desc')
      .execute();
    return rows.map(toApiKey);
  }

  async findByOwner(ownerUserId: string, apiKeyId: string): Promise<ApiKey | undefined> {
    const row = await this.#db
      .selectFrom('api_keys')
      .selectAll()
      .where('owner_user_id', '=', ownerUserId)
      .where('id', '=', apiKeyId)
      .executeTakeFirst();
    return row && toApiKey(row);
  }

  async findBySecretHash(secretHash: string): Promise<ApiKey | undefined> {
    const row = await this.#db.selectFrom('api_keys').selectAll().where('secret_hash', '=', secretHash).executeTakeFirst();
    return row && toApiKey(row);
  }

  async revoke(ownerUserId: string, apiKeyId: string, revokedAt: Date): Promise<boolean> {
    const result = await this.#db
      .updateTable('api_keys')
      .set({ revoked_at: toEpochMilliseconds(revokedAt) })
      .where('owner_user_id', '=', ownerUserId)
      .where('id', '=', apiKeyId)
      .where('revoked_at', 'is', null)
      .executeTakeFirst();
    return result.numUpdatedRows > 0n;
  }

  async updateSettings(ownerUserId: string, apiKeyId: string, change: (current: ApiKey) => ApiKeySettings): Promise<ApiKey | undefined> {
    return this.#db.transaction().execute(async (transaction) => {
      const activeKey = (query: UpdateQueryBuilder<DatabaseSchema, 'api_keys', 'api_keys', UpdateResult>) =>
        query.where('owner_user_id', '=', ownerUserId).where('id', '=', apiKeyId).where('revoked_at', 'is', null);
      // A write that changes nothing, first: it locks the row (PostgreSQL) or takes the write lock (SQLite), so
      // a concurrent update of this key waits here and then reads what this one wrote.
      const locked = await activeKey(transaction.updateTable('api_keys').set((eb) => ({ name: eb.ref('name') }))).executeTakeFirst();
      if (locked.numUpdatedRows === 0n) return undefined;
      const current = await transaction.selectFrom('api_keys').selectAll().where('id', '=', apiKeyId).executeTakeFirstOrThrow();
      const settings = change(toApiKey(current));
      const row = await activeKey(transaction.updateTable('api_keys').set({ name: settings.name, scopes_json: scopesJson(settings.scopes) }))
        .returningAll()
        .executeTakeFirstOrThrow();
      return toApiKey(row);
    });
  }

  async revokeAllOfOwner(ownerUserId: string, revokedAt: Date): Promise<ApiKey[]> {
    const rows = await this.#db
      .updateTable('api_keys')
      .set({ revoked_at: toEpochMilliseconds(revokedAt) })
      .where('owner_user_id', '=', ownerUserId)
      .where('revoked_at', 'is', null)
      .returningAll()
      .execute();
    return rows.map(toApiKey);
  }

  async replace(ownerUserId: string, oldKeyId: string, replacement: ApiKey, revokedAt: Date): Promise<boolean> {
    if (replacement.ownerUserId !== ownerUserId) {
      throw new InvalidRequestError('A replacement API key must belong to the owner of the key it replaces.');
    }
    const revokedAtMs = toEpochMilliseconds(revokedAt);
    return this.#db.transaction().execute(async (transaction) => {
      // The conditional update is the check: a concurrent replace or revoke of the same key blocks on the
      // row (PostgreSQL) or the write lock (SQLite) and then matches nothing, so only one rotation wins.
      const revoked = await transaction
        .updateTable('api_keys')
        .set({ revoked_at: revokedAtMs })
        .where('owner_user_id', '=', ownerUserId)
        .where('id', '=', oldKeyId)
        .where('revoked_at', 'is', null)
        .where((eb) => eb.or([eb('expires_at', 'is', null), eb('expires_at', '>', revokedAtMs)]))
        .executeTakeFirst();
      if (revoked.numUpdatedRows === 0n) {
        return false;
      }
      // A failure here rolls back the revocation too, so the owner never loses a working key.
      await insertApiKey(transaction, replacement);
      return true;
    });
  }

  async recordLastUsed(entries: ReadonlyArray<{ apiKeyId: string; lastUsedAt: Date }>): Promise<void> {
    const latestByKey = new Map<string, number>();
    for (const entry of entries) {
      const lastUsedAtMs = toEpochMilliseconds(entry.lastUsedAt);
      latestByKey.set(entry.apiKeyId, Math.max(lastUsedAtMs, latestByKey.get(entry.apiKeyId) ?? lastUsedAtMs));
    }
    if (latestByKey.size === 0) {
      return;
    }
    // Sorted so concurrent flushes from several nodes lock rows in the same order and cannot deadlock.
    const ordered = [...latestByKey].sort(([left], [right]) => (left < right ? -1 : left > right ? 1 : 0));
    await this.#db.transaction().execute(async (transaction) => {
      for (const [apiKeyId, lastUsedAtMs] of ordered) {
        await transaction
          .updateTable('api_keys')
          .set({ last_used_at: lastUsedAtMs })
          .where('id', '=', apiKeyId)
          .where((eb) => eb.or([eb('last_used_at', 'is', null), eb('last_used_at', '<', lastUsedAtMs)]))
          .execute();
      }
    });
  }
}

async function insertApiKey(db: Kysely<DatabaseSchema>, apiKey: ApiKey): Promise<void> {
  try {
    await db.insertInto('api_keys').values(toRow(apiKey)).execute();
  } catch (error) {
    if (isUniqueViolation(error)) {
      throw new CharterError('conflict', 'An API key with this id or secret already exists.', { cause: error });
    }
    throw error;
  }
}

function toRow(apiKey: ApiKey): Insertable<ApiKeysTable> {
  return {
    id: apiKey.id,
    owner_user_id: apiKey.ownerUserId,
    organization_id: apiKey.organizationId,
    name: apiKey.name,
    prefix: apiKey.prefix,
    secret_hash: apiKey.secretHash,
    scopes_json: scopesJson(apiKey.scopes),
    expires_at: toNullableEpochMilliseconds(apiKey.expiresAt),
    created_at: toEpochMilliseconds(apiKey.createdAt),
    revoked_at: toNullableEpochMilliseconds(apiKey.revokedAt),
    last_used_at: toNullableEpochMilliseconds(apiKey.lastUsedAt),
    rotated_from_id: apiKey.rotatedFromId,
  };
}

/** A stored row → core's `ApiKey` (shared with the organisation repository, which lists organisation keys). */
export function toApiKey(row: Selectable<ApiKeysTable>): ApiKey {
  return {
    id: row.id,
    ownerUserId: row.owner_user_id,
    organizationId: row.organization_id,
    name: row.name,
    prefix: row.prefix,
    secretHash: row.secret_hash,
    scopes: parseScopes(row.scopes_json, row.id),
    expiresAt: fromNullableEpochMilliseconds(row.expires_at),
    createdAt: fromEpochMilliseconds(row.created_at),
    revokedAt: fromNullableEpochMilliseconds(row.revoked_at),
    lastUsedAt: fromNullableEpochMilliseconds(row.last_used_at),
    rotatedFromId: row.rotated_from_id,
  };
}

function scopesJson(scopes: ApiScopes): string {
  return JSON.stringify({ models: scopes.models, endpoints: scopes.endpoints, rateLimits: scopes.rateLimits } satisfies ApiScopes);
}

// Scopes decide what a key may do, so a damaged value fails closed (an error) rather than open (no limits).
// Keys stored before keys had rate limits of their own have no `rateLimits`: none.
function parseScopes(json: string, apiKeyId: string): ApiScopes {
  const parsed: unknown = JSON.parse(json);
  if (typeof parsed === 'object' && parsed !== null && 'models' in parsed && 'endpoints' in parsed) {
    const { models, endpoints } = parsed;
    const rateLimits = 'rateLimits' in parsed ? parsed.rateLimits : null;
    if (isNullOrStrings(models) && isNullOrStrings(endpoints) && (endpoints === null || endpoints.every(isApiEndpoint)) && isNullOrRateLimits(rateLimits)) {
      return { models, endpoints, rateLimits };
    }
  }
  throw new Error(`API key ${apiKeyId} has unreadable scopes.`);
}

function isNullOrRateLimits(value: unknown): value is RateLimits | null {
  if (value === null) return true;
  if (typeof value !== 'object') return false;
  const limits = value as Record<string, unknown>;
  return rateLimitFields.every((field) => limits[field] === null || (Number.isSafeInteger(limits[field]) && (limits[field] as number) >= 1));
}
const rateLimitFields = Object.keys(unlimitedRateLimits) as ReadonlyArray<keyof RateLimits>;

function isNullOrStrings(value: unknown): value is string[] | null {
  return value === null || (Array.isArray(value) && value.every((item) => typeof item === 'string'));
}

function isApiEndpoint(value: string): value is ApiEndpoint {
  return (apiEndpoints as readonly string[]).includes(value);
}
