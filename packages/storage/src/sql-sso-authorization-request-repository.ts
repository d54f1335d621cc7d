import type { SsoAuthorizationRequest, SsoAuthorizationRequestRepository, SsoIntent } from '@charter/core';
import type { Kysely, Selectable } from 'kysely';
import type { DatabaseSchema, SsoAuthorizationRequestsTable } from './database-schema.js';
import { fromEpochMilliseconds, toEpochMilliseconds } from './epoch-milliseconds.js';

/** `SsoAuthorizationRequestRepository` on SQLite or PostgreSQL. */
export class SqlSsoAuthorizationRequestRepository implements SsoAuthorizationRequestRepository {
  readonly #db: Kysely<DatabaseSchema>;

  constructor(db: Kysely<DatabaseSchema>) {
    this.#db = db;
  }

  async insert(request: SsoAuthorizationRequest): Promise<void> {
    // Requests live minutes; expired ones go as new ones come, so the table stays small without a job.
    await this.#db.deleteFrom('sso_authorization_requests').where('expires_at', '<', toEpochMilliseconds(request.createdAt)).execute();
    await this.#db
      .insertInto('sso_authorization_requests')
      .values({
        id: request.id,
        state_hash: request.stateHash,
        binding_hash: request.bindingHash,
        provider_id: request.providerId,
        intent: request.intent,
        return_to: request.returnTo,
        user_id: request.userId,
        nonce: request.nonce,
        code_verifier: request.codeVerifier,
        created_at: toEpochMilliseconds(request.createdAt),
        expires_at: toEpochMilliseconds(request.expiresAt),
        used_at: null,
      })
      .execute();
  }

  async consume(stateHash: string, bindingHash: string, now: Date): Promise<SsoAuthorizationRequest | undefined> {
    // One conditional update is the whole check: of two concurrent callbacks only one matches.
    const row = await this.#db
      .updateTable('sso_authorization_requests')
      .set({ used_at: toEpochMilliseconds(now) })
      .where('state_hash', '=', stateHash)
      .where('binding_hash', '=', bindingHash)
      .where('used_at', 'is', null)
      .where('expires_at', '>', toEpochMilliseconds(now))
      .returningAll()
      .executeTakeFirst();
    return row && toRequest(row);
  }
}

function toRequest(row: Selectable<SsoAuthorizationRequestsTable>): SsoAuthorizationRequest {
  return {
    id: row.id,
    stateHash: row.state_hash,
    bindingHash: row.binding_hash,
    providerId: row.provider_id,
    intent: row.intent as SsoIntent,
    returnTo: row.return_to,
    userId: row.user_id,
    nonce: row.nonce,
    codeVerifier: row.code_verifier,
    createdAt: fromEpochMilliseconds(row.created_at),
    expiresAt: fromEpochMilliseconds(row.expires_at),
  };
}
