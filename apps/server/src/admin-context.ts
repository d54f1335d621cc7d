import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { ApiKeyService, type Logger, newId, newUserRecord, PlanService, systemClock, type User } from '@charter/core';
import { migrateToLatest, openDatabase, SqlApiKeyRepository, SqlAuditLog, SqlPlanRepository, SqlUserRepository } from '@charter/storage';
import type { CharterConfig } from './config.js';

/** Services for command-line administration: the database, key management and plans, without engines or HTTP. */
export interface AdminContext {
  owner: User;
  apiKeys: ApiKeyService;
  /** Plans and assignments; the default plans exist once the context is open. */
  plans: PlanService;
  close(): Promise<void>;
}

const quietLogger: Logger = { info: () => {}, warn: () => {}, error: (fields, message) => console.error(message, fields) };

/** Open the configured database (migrating it), the key service for the instance owner and the plan service. */
export async function openAdminContext(config: CharterConfig): Promise<AdminContext> {
  mkdirSync(config.dataDir, { recursive: true });
  const database = await openDatabase({ url: config.database.url ?? path.join(config.dataDir, 'charter.sqlite') });
  try {
    await migrateToLatest(database.db);
    const owner = await new SqlUserRepository(database.db).ensureInstanceOwner(
      newUserRecord({ id: newId('user'), email: null, displayName: 'Instance owner', role: 'owner', createdAt: systemClock() }),
    );
    const audit = new SqlAuditLog(database.db, database.dialect);
    const apiKeys = new ApiKeyService({ repository: new SqlApiKeyRepository(database.db), audit, clock: systemClock, logger: quietLogger });
    const plans = new PlanService({ repository: new SqlPlanRepository(database.db), audit, clock: systemClock, defaultPlanId: config.limits.defaultPlanId });
    await plans.ensureDefaultPlans();
    return {
      owner,
      apiKeys,
      plans,
      async close() {
        await apiKeys.close();
        await database.close();
      },
    };
  } catch (error) {
    await database.close();
    throw error;
  }
}

/** Apply pending migrations and report which ran. */
export async function runMigrations(config: CharterConfig): Promise<string[]> {
  mkdirSync(config.dataDir, { recursive: true });
  const database = await openDatabase({ url: config.database.url ?? path.join(config.dataDir, 'charter.sqlite') });
  try {
    return (await migrateToLatest(database.db)).appliedMigrations;
  } finally {
    await database.close();
  }
}
