import { randomBytes } from 'node:crypto';
import type { ApiEndpoint, ApiScopes, Principal } from '../accounts/principal.js';
import { AuthenticationError, InvalidRequestError, NotFoundError } from '../errors.js';
import type { Clock } from '../shared/clock.js';
import { newId } from '../shared/ids.js';
import type { Logger } from '../shared/logger.js';
import { hashOpaqueToken } from '../sessions/session-token.js';
import type { AuditActor } from '../audit/audit-event.js';
import { type RateLimits, unlimitedRateLimits } from '../limits/rate-limits.js';
import { definedFields } from '../shared/defined-fields.js';
import { validateRateLimits } from '../plans/plan-validation.js';
import type { AuditLog } from '../audit/audit-log.js';
import type { ApiKey, IssuedApiKey } from './api-key.js';
import type { ApiKeyRepository } from './api-key-repository.js';

/** Secrets look like `sk-ch-<43 base64url chars>`: 256 random bits. */
const secretPrefix = 'sk-ch-';
const visiblePrefixLength = secretPrefix.length + 6;

/** Hex SHA-256 of a secret, as for every opaque token: the secret has 256 random bits, nothing to brute-force. */
export function hashApiKeySecret(secret: string): string {
  return hashOpaqueToken(secret);
}

export interface ApiKeyServiceOptions {
  repository: ApiKeyRepository;
  /** Every creation, revocation and rotation is appended here (ADM-4). */
  audit: AuditLog;
  clock: Clock;
  logger: Logger;
  /**
   * How long an authenticated key stays cached on this node. Revocation on another node takes effect
   * here within this time; on this node it takes effect at once.
   */
  cacheTtlMs?: number;
  /** How often last-used times are written (one batched write, never one per request). */
  lastUsedFlushIntervalMs?: number;
  /** Called after a key is created (the holder is emailed about new keys, ACC-8). */
  onCreated?: (apiKey: ApiKey) => void;
  /**
   * The only user whose keys may be given the `admin` endpoint scope: `AdminAccessPolicy` lets no one else's key
   * administer, so granting it to anyone else would promise what never works. Unset: no key may be given it.
   */
  instanceOwnerId?: string;
}

export interface CreateApiKeyInput {
  name: string;
  /** `rateLimits`: the key's own; a field left out is none. */
  scopes?: Partial<Omit<ApiScopes, 'rateLimits'>> & { rateLimits?: Partial<RateLimits> | null };
  expiresAt?: Date | null;
  organizationId?: string | null;
}

/** What `update` may change; a field left out stays as it is. */
export interface UpdateApiKeyInput {
  name?: string;
  /** Models the key may use: a list replaces the old one; null lifts the restriction. */
  models?: string[] | null;
  /** Endpoint families the key may call: a list replaces the old one; null means all inference endpoints. */
  endpoints?: ApiEndpoint[] | null;
  /** The key's own rate limits: a field given replaces that limit (null removes it); null removes them all. */
  rateLimits?: Partial<RateLimits> | null;
}

interface CachedKey {
  apiKey: ApiKey;
  cachedAtMs: number;
}

/** Use cases of API keys (API-4): issue, list, revoke, rotate, authenticate, track last use. */
export class ApiKeyService {
  readonly #repository: ApiKeyRepository;
  readonly #audit: AuditLog;
  readonly #clock: Clock;
  readonly #logger: Logger;
  readonly #cacheTtlMs: number;
  readonly #cache = new Map<string, CachedKey>();
  readonly #pendingLastUsed = new Map<string, Date>();
  readonly #flushTimer: NodeJS.Timeout;
  readonly #onCreated: ((apiKey: ApiKey) => void) | undefined;
  readonly #instanceOwnerId: string | undefined;

  constructor(options: ApiKeyServiceOptions) {
    this.#onCreated = options.onCreated;
    this.#instanceOwnerId = options.instanceOwnerId;
    this.#repository = options.repository;
    this.#audit = options.audit;
    this.#clock = options.clock;
    this.#logger = options.logger;
    this.#cacheTtlMs = options.cacheTtlMs ?? 1000;
    this.#flushTimer = setInterval(() => void this.flushLastUsed(), options.lastUsedFlushIntervalMs ?? 10_000);
    this.#flushTimer.unref();
  }

  async create(ownerUserId: string, input: CreateApiKeyInput, actor: AuditActor): Promise<IssuedApiKey> {
    const now = this.#clock();
    if (input.expiresAt && input.expiresAt.getTime() <= now.getTime()) {
      throw new InvalidRequestError('expires_at must be in the future.', 'expires_at');
    }
    this.#assertMayGrant(ownerUserId, input.scopes?.endpoints ?? null, null);
    const issued = this.#issue({
      ownerUserId,
      organizationId: input.organizationId ?? null,
      name: input.name,
      scopes: { models: input.scopes?.models ?? null, endpoints: input.scopes?.endpoints ?? null, rateLimits: input.scopes?.rateLimits ? ownRateLimits(null, input.scopes.rateLimits) : null },
      expiresAt: input.expiresAt ?? null,
      rotatedFromId: null,
      createdAt: now,
    });
    await this.#repository.insert(issued.apiKey);
    await this.#record('api_key.created', issued.apiKey, actor, now);
    this.#onCreated?.(issued.apiKey);
    return issued;
  }

  list(ownerUserId: string): Promise<ApiKey[]> {
    return this.#repository.listByOwner(ownerUserId);
  }

  async get(ownerUserId: string, apiKeyId: string): Promise<ApiKey> {
    const apiKey = await this.#repository.findByOwner(ownerUserId, apiKeyId);
    if (!apiKey) throw new NotFoundError('API key', 'key_id');
    return apiKey;
  }

  async revoke(ownerUserId: string, apiKeyId: string, actor: AuditActor): Promise<ApiKey> {
    const apiKey = await this.get(ownerUserId, apiKeyId);
    if (apiKey.revokedAt === null) {
      const now = this.#clock();
      if (await this.#repository.revoke(ownerUserId, apiKeyId, now)) await this.#record('api_key.revoked', apiKey, actor, now);
      this.#cache.delete(apiKey.secretHash);
    }
    return this.get(ownerUserId, apiKeyId);
  }

  /**
   * Rename a key or change its models, endpoints or own rate limits. Takes effect at once on this node and within
   * `cacheTtlMs` everywhere else; the secret stays the same.
   */
  async update(ownerUserId: string, apiKeyId: string, changes: UpdateApiKeyInput, actor: AuditActor): Promise<ApiKey> {
    // The merge runs on the row as stored at the moment of writing, so two PATCHes of different fields both land.
    const updated = await this.#repository.updateSettings(ownerUserId, apiKeyId, (current) => {
      // Judged against the key as stored: a key that already has `admin` keeps it through other changes.
      this.#assertMayGrant(ownerUserId, changes.endpoints ?? null, current.scopes.endpoints);
      const rateLimits =
        changes.rateLimits === undefined ? current.scopes.rateLimits : changes.rateLimits === null ? null : ownRateLimits(current.scopes.rateLimits, changes.rateLimits);
      return {
        name: changes.name ?? current.name,
        scopes: {
          models: changes.models === undefined ? current.scopes.models : changes.models,
          endpoints: changes.endpoints === undefined ? current.scopes.endpoints : changes.endpoints,
          rateLimits,
        },
      };
    });
    if (updated === undefined) {
      await this.get(ownerUserId, apiKeyId); // not found (404) unless the key is this owner's, and then revoked
      throw new InvalidRequestError('A revoked key cannot be changed.', 'key_id');
    }
    this.#cache.delete(updated.secretHash);
    await this.#record('api_key.updated', updated, actor, this.#clock());
    return updated;
  }

  /** Refuses to give the `admin` scope to a key of anyone but the instance owner, unless the key has it already. */
  #assertMayGrant(ownerUserId: string, endpoints: readonly ApiEndpoint[] | null, currentEndpoints: readonly ApiEndpoint[] | null): void {
    if (endpoints === null || !endpoints.includes('admin') || currentEndpoints?.includes('admin')) return;
    if (this.#instanceOwnerId !== undefined && ownerUserId === this.#instanceOwnerId) return;
    throw new InvalidRequestError(
      'Only the instance owner\'s API keys may have the "admin" scope; staff administer the instance signed in to the dashboard.',
      'scopes.endpoints',
    );
  }

  /** Revoke every active key of a user (compromise, deletion); returns how many were revoked. */
  async revokeAllOfUser(ownerUserId: string, actor: AuditActor): Promise<number> {
    const now = this.#clock();
    const revoked = await this.#repository.revokeAllOfOwner(ownerUserId, now);
    for (const [secretHash, entry] of this.#cache) if (entry.apiKey.ownerUserId === ownerUserId) this.#cache.delete(secretHash);
    for (const apiKey of revoked) await this.#record('api_key.revoked', apiKey, actor, now);
    return revoked.length;
  }

  /** Replace a key by a new secret with the same name, scopes and expiry; the old one stops working at once. */
  async rotate(ownerUserId: string, apiKeyId: string, actor: AuditActor): Promise<IssuedApiKey> {
    const old = await this.get(ownerUserId, apiKeyId);
    if (old.revokedAt !== null) throw new InvalidRequestError('A revoked key cannot be rotated.', 'key_id');
    const now = this.#clock();
    const issued = this.#issue({ ...old, rotatedFromId: old.id, createdAt: now });
    const replaced = await this.#repository.replace(ownerUserId, old.id, issued.apiKey, now);
    if (!replaced) throw new InvalidRequestError('A revoked key cannot be rotated.', 'key_id');
    this.#cache.delete(old.secretHash);
    await this.#record('api_key.rotated', issued.apiKey, actor, now);
    return issued;
  }

  /** Resolve a bearer secret to a principal, or throw `invalid_api_key`. Hot path: usually no I/O. */
  async authenticate(secret: string): Promise<Principal> {
    const secretHash = hashApiKeySecret(secret);
    const nowMs = this.#clock().getTime();
    let apiKey = this.#cached(secretHash, nowMs);
    if (!apiKey) {
      apiKey = await this.#repository.findBySecretHash(secretHash);
      if (apiKey) this.#cache.set(secretHash, { apiKey, cachedAtMs: nowMs });
    }
    if (!apiKey || apiKey.revokedAt !== null || (apiKey.expiresAt !== null && apiKey.expiresAt.getTime() <= nowMs)) {
      throw new AuthenticationError('invalid_api_key', `Incorrect API key provided: ${redactSecret(secret)}.`);
    }
    this.#pendingLastUsed.set(apiKey.id, new Date(nowMs));
    return { userId: apiKey.ownerUserId, organizationId: apiKey.organizationId, apiKeyId: apiKey.id, sessionId: null, scopes: apiKey.scopes };
  }

  /** Write pending last-used times in one batch. Failures keep them for the next flush. */
  async flushLastUsed(): Promise<void> {
    if (this.#pendingLastUsed.size === 0) return;
    const entries = [...this.#pendingLastUsed].map(([apiKeyId, lastUsedAt]) => ({ apiKeyId, lastUsedAt }));
    this.#pendingLastUsed.clear();
    try {
      await this.#repository.recordLastUsed(entries);
    } catch (error) {
      for (const entry of entries) if (!this.#pendingLastUsed.has(entry.apiKeyId)) this.#pendingLastUsed.set(entry.apiKeyId, entry.lastUsedAt);
      this.#logger.warn({ err: error, pending: entries.length }, 'could not record API key last-used times; will retry');
    }
  }

  async close(): Promise<void> {
    clearInterval(this.#flushTimer);
    await this.flushLastUsed();
  }

  #record(action: 'api_key.created' | 'api_key.revoked' | 'api_key.rotated' | 'api_key.updated', apiKey: ApiKey, actor: AuditActor, occurredAt: Date) {
    return this.#audit.append({
      action,
      actor,
      targetType: 'api_key',
      targetId: apiKey.id,
      details: { ownerUserId: apiKey.ownerUserId, prefix: apiKey.prefix, rotatedFromId: apiKey.rotatedFromId },
      occurredAt,
    });
  }

  #cached(secretHash: string, nowMs: number): ApiKey | undefined {
    const entry = this.#cache.get(secretHash);
    if (!entry) return undefined;
    if (nowMs - entry.cachedAtMs > this.#cacheTtlMs) {
      this.#cache.delete(secretHash);
      return undefined;
    }
    return entry.apiKey;
  }

  #issue(fields: Omit<ApiKey, 'id' | 'prefix' | 'secretHash' | 'revokedAt' | 'lastUsedAt'>): IssuedApiKey {
    const secret = secretPrefix + randomBytes(32).toString('base64url');
    const apiKey: ApiKey = {
      id: newId('key'),
      ownerUserId: fields.ownerUserId,
      organizationId: fields.organizationId,
      name: fields.name,
      prefix: secret.slice(0, visiblePrefixLength),
      secretHash: hashApiKeySecret(secret),
      scopes: fields.scopes,
      expiresAt: fields.expiresAt,
      createdAt: fields.createdAt,
      revokedAt: null,
      lastUsedAt: null,
      rotatedFromId: fields.rotatedFromId,
    };
    return { apiKey, secret };
  }
}

/**
 * A key's own rate limits from `base` changed by `changes` (a field left out stays, a missing one is none), checked
 * like a plan's; none at all (every field null) is stored as null.
 */
function ownRateLimits(base: RateLimits | null, changes: Partial<RateLimits>): RateLimits | null {
  const limits: RateLimits = { ...unlimitedRateLimits, ...base, ...definedFields(changes) };
  validateRateLimits(limits, true, 'scopes.rate_limits');
  return Object.values(limits).every((limit) => limit === null) ? null : limits;
}

/** Shows enough of a presented secret to recognise it in an error, never enough to use it. */
function redactSecret(secret: string): string {
  if (secret.length <= 10) return '****';
  return `${secret.slice(0, 6)}****${secret.slice(-4)}`;
}
