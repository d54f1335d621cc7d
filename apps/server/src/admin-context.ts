import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { ApiKeyService, type Logger, newId, newUserRecord, OneTimeTokenService, PlanService, StaffAccountService, systemClock, type User } from '@charter/core';
import { Argon2PasswordHasher, ZxcvbnPasswordRules } from '@charter/credentials';
import { migrateToLatest, openDatabase, SqlApiKeyRepository, SqlAuditLog, SqlIdentityBlocklist, SqlOneTimeTokenRepository, SqlPlanRepository, SqlUserRepository } from '@charter/storage';
import { publicUrl } from './accounts.js';
import type { CharterConfig } from './config.js';

/** Services for command-line administration: the database, key management, plans and staff accounts, without engines or HTTP. */
export interface AdminContext {
  owner: User;
  apiKeys: ApiKeyService;
  /** Plans and assignments; the default plans exist once the context is open. */
  plans: PlanService;
  /** Staff accounts (`charter admin create`). */
  staff: StaffAccountService;
  /** Where people reach the service, for links the CLI prints. */
  publicUrl: string;
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
    const apiKeys = new ApiKeyService({ repository: new SqlApiKeyRepository(database.db), audit, clock: systemClock, logger: quietLogger, instanceOwnerId: owner.id });
    const plans = new PlanService({ repository: new SqlPlanRepository(database.db), audit, clock: systemClock, defaultPlanId: config.limits.defaultPlanId });
    await plans.ensureDefaultPlans();
    const staff = new StaffAccountService({
      users: new SqlUserRepository(database.db),
      passwordHasher: new Argon2PasswordHasher(),
      passwordRules: new ZxcvbnPasswordRules(),
      tokens: new OneTimeTokenService({ repository: new SqlOneTimeTokenRepository(database.db), clock: systemClock }),
      blocklist: new SqlIdentityBlocklist(database.db),
      audit,
      clock: systemClock,
    });
    return {
      owner,
      apiKeys,
      plans,
      staff,
      publicUrl: publicUrl(config),
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
