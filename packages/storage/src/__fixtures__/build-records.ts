import { randomBytes, randomUUID } from 'node:crypto';
import { newUserRecord, type ApiKey, type UsageRecord, type User } from '@charter/core';
import type { Kysely } from 'kysely';
import type { DatabaseSchema } from '../database-schema.js';

// Whole milliseconds, because that is what the database keeps.
const baseTimeMs = Date.UTC(2025, 0, 15, 12, 0, 0);

/** A time `offsetMs` after a fixed base, so tests can order records without sleeping. */
export function at(offsetMs: number): Date {
  return new Date(baseTimeMs + offsetMs);
}

export function buildUser(overrides: Partial<User> = {}): User {
  const id = randomUUID();
  return newUserRecord({ id, email: `${id}@example.test`, displayName: 'Test User', role: 'member', createdAt: at(0), ...overrides });
}

/** Inserts a member directly: the user port has no "create member" yet, and api_keys needs its owner row. */
export async function insertUser(db: Kysely<DatabaseSchema>, overrides: Partial<User> = {}): Promise<User> {
  const user = buildUser(overrides);
  await db
    .insertInto('users')
    .values({ id: user.id, email: user.email, display_name: user.displayName, role: user.role, created_at: user.createdAt.getTime() })
    .execute();
  return user;
}

export function buildApiKey(overrides: Partial<ApiKey> & Pick<ApiKey, 'ownerUserId'>): ApiKey {
  return {
    id: randomUUID(),
    organizationId: null,
    name: 'test key',
    prefix: 'sk-test',
    secretHash: randomBytes(32).toString('hex'),
    scopes: { models: null, endpoints: null, rateLimits: null },
    expiresAt: null,
    createdAt: at(0),
    revokedAt: null,
    lastUsedAt: null,
    rotatedFromId: null,
    ...overrides,
  };
}

export function buildUsageRecord(overrides: Partial<UsageRecord> & Pick<UsageRecord, 'userId'>): UsageRecord {
  return {
    id: randomUUID(),
    requestId: `req_${randomBytes(12).toString('hex')}`,
    apiKeyId: null,
    organizationId: null,
    endpoint: 'chat.completions',
    model: 'test-model',
    engineId: 'llamacpp',
    promptTokens: 10,
    completionTokens: 20,
    status: 'succeeded',
    errorCode: null,
    latencyMs: 150,
    timeToFirstTokenMs: 40,
    createdAt: at(0),
    ...overrides,
  };
}
