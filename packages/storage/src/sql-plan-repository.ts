import {
  CharterError,
  NotFoundError,
  PlanInUseError,
  quotaNoticeThresholds,
  type BillingOwner,
  type Plan,
  type PlanAssignment,
  type PlanOverrides,
  type PlanRepository,
  type QuotaNotice,
  type QuotaNoticeSink,
  type QuotaNoticeThreshold,
  type QuotaUsageStore,
} from '@charter/core';
import { sql, type Insertable, type Kysely, type Selectable } from 'kysely';
import type { DatabaseSchema, PlanAssignmentsTable, PlansTable } from './database-schema.js';
import { fromEpochMilliseconds, toEpochMilliseconds } from './epoch-milliseconds.js';
import { isUniqueViolation } from './error-details.js';

/** `PlanRepository` on SQLite or PostgreSQL. */
export class SqlPlanRepository implements PlanRepository {
  readonly #db: Kysely<DatabaseSchema>;

  constructor(db: Kysely<DatabaseSchema>) {
    this.#db = db;
  }

  async insert(plan: Plan): Promise<void> {
    try {
      await this.#db.insertInto('plans').values(toPlanRow(plan)).execute();
    } catch (error) {
      if (isUniqueViolation(error)) throw new CharterError('conflict', `A plan with id \`${plan.id}\` already exists.`, { param: 'id', cause: error });
      throw error;
    }
  }

  async insertMissing(plans: readonly Plan[]): Promise<string[]> {
    if (plans.length === 0) return [];
    // ON CONFLICT DO NOTHING returns only the rows it inserted, so concurrent starts each learn what they created.
    const rows = await this.#db
      .insertInto('plans')
      .values(plans.map(toPlanRow))
      .onConflict((conflict) => conflict.column('id').doNothing())
      .returning('id')
      .execute();
    return rows.map((row) => row.id).sort();
  }

  async update(plan: Plan, expectedUpdatedAt: Date): Promise<boolean> {
    const { id, created_at: _createdAt, ...fields } = toPlanRow(plan);
    const result = await this.#db
      .updateTable('plans')
      .set(fields)
      .where('id', '=', id)
      .where('updated_at', '=', toEpochMilliseconds(expectedUpdatedAt))
      .executeTakeFirst();
    return result.numUpdatedRows > 0n;
  }

  async delete(planId: string): Promise<boolean> {
    try {
      const result = await this.#db.deleteFrom('plans').where('id', '=', planId).executeTakeFirst();
      return result.numDeletedRows > 0n;
    } catch (error) {
      // The assignment's foreign key is the check, so a concurrent assign cannot slip past it.
      if (isForeignKeyViolation(error)) throw new PlanInUseError(planId, 'assigned');
      throw error;
    }
  }

  async findById(planId: string): Promise<Plan | undefined> {
    const row = await this.#db.selectFrom('plans').selectAll().where('id', '=', planId).executeTakeFirst();
    return row && toPlan(row);
  }

  async list(): Promise<Plan[]> {
    const rows = await this.#db.selectFrom('plans').selectAll().orderBy('id').execute();
    return rows.map(toPlan);
  }

  async assign(assignment: PlanAssignment): Promise<void> {
    const row = toAssignmentRow(assignment);
    try {
      await this.#db
        .insertInto('plan_assignments')
        .values(row)
        .onConflict((conflict) =>
          conflict.columns(['owner_type', 'owner_id']).doUpdateSet({
            plan_id: row.plan_id,
            overrides_json: row.overrides_json,
            billing_time_zone: row.billing_time_zone,
            assigned_at: row.assigned_at,
          }),
        )
        .execute();
    } catch (error) {
      if (isForeignKeyViolation(error)) throw new NotFoundError('Plan', 'plan_id');
      throw error;
    }
  }

  async unassign(owner: BillingOwner, options: { planId?: string } = {}): Promise<boolean> {
    let deletion = this.#db.deleteFrom('plan_assignments').where('owner_type', '=', owner.ownerType).where('owner_id', '=', owner.ownerId);
    if (options.planId !== undefined) deletion = deletion.where('plan_id', '=', options.planId);
    const result = await deletion.executeTakeFirst();
    return result.numDeletedRows > 0n;
  }

  async findAssignment(owner: BillingOwner): Promise<{ assignment: PlanAssignment; plan: Plan } | undefined> {
    const row = await this.#db
      .selectFrom('plan_assignments')
      .innerJoin('plans', 'plans.id', 'plan_assignments.plan_id')
      .selectAll('plans')
      .select([
        'plan_assignments.owner_type',
        'plan_assignments.owner_id',
        'plan_assignments.plan_id',
        'plan_assignments.overrides_json',
        'plan_assignments.billing_time_zone',
        'plan_assignments.assigned_at',
      ])
      .where('plan_assignments.owner_type', '=', owner.ownerType)
      .where('plan_assignments.owner_id', '=', owner.ownerId)
      .executeTakeFirst();
    if (!row) return undefined;
    return { assignment: toAssignment(row), plan: toPlan(row) };
  }

  async listAssignments(query: { planId?: string; limit?: number }): Promise<PlanAssignment[]> {
    let select = this.#db.selectFrom('plan_assignments').selectAll();
    if (query.planId !== undefined) select = select.where('plan_id', '=', query.planId);
    if (query.limit !== undefined) select = select.limit(query.limit);
    const rows = await select.orderBy('owner_type').orderBy('owner_id').execute();
    return rows.map(toAssignment);
  }
}

/** `QuotaUsageStore` on SQLite or PostgreSQL: one counter row per owner and period, added to atomically. */
export class SqlQuotaUsageStore implements QuotaUsageStore {
  readonly #db: Kysely<DatabaseSchema>;

  constructor(db: Kysely<DatabaseSchema>) {
    this.#db = db;
  }

  async add(entry: { owner: BillingOwner; periodStartsAt: Date; tokens: number; updatedAt: Date }): Promise<number> {
    // One statement: the database serialises concurrent adds on the row, so none is lost and each sees its total.
    const row = await this.#db
      .insertInto('quota_usage')
      .values({
        owner_type: entry.owner.ownerType,
        owner_id: entry.owner.ownerId,
        period_start: toEpochMilliseconds(entry.periodStartsAt),
        tokens: entry.tokens,
        updated_at: toEpochMilliseconds(entry.updatedAt),
      })
      .onConflict((conflict) =>
        conflict.columns(['owner_type', 'owner_id', 'period_start']).doUpdateSet({
          tokens: sql<number>`quota_usage.tokens + excluded.tokens`,
          updated_at: sql<number>`excluded.updated_at`,
        }),
      )
      .returning('tokens')
      .executeTakeFirstOrThrow();
    return Number(row.tokens);
  }

  async get(owner: BillingOwner, periodStartsAt: Date): Promise<number> {
    const row = await this.#db
      .selectFrom('quota_usage')
      .select('tokens')
      .where('owner_type', '=', owner.ownerType)
      .where('owner_id', '=', owner.ownerId)
      .where('period_start', '=', toEpochMilliseconds(periodStartsAt))
      .executeTakeFirst();
    return row ? Number(row.tokens) : 0;
  }
}

/** `QuotaNoticeSink` that records notices in `quota_notices`, once per owner, period and threshold. */
export class SqlQuotaNoticeSink implements QuotaNoticeSink {
  readonly #db: Kysely<DatabaseSchema>;

  constructor(db: Kysely<DatabaseSchema>) {
    this.#db = db;
  }

  async record(notice: QuotaNotice): Promise<boolean> {
    const inserted = await this.#db
      .insertInto('quota_notices')
      .values({
        owner_type: notice.owner.ownerType,
        owner_id: notice.owner.ownerId,
        period_start: toEpochMilliseconds(notice.periodStartsAt),
        threshold_percent: notice.thresholdPercent,
        created_at: toEpochMilliseconds(notice.createdAt),
      })
      .onConflict((conflict) => conflict.columns(['owner_type', 'owner_id', 'period_start', 'threshold_percent']).doNothing())
      .returning('threshold_percent')
      .executeTakeFirst();
    return inserted !== undefined;
  }

  /** An owner's notices, oldest period first. */
  async listByOwner(owner: BillingOwner): Promise<QuotaNotice[]> {
    const rows = await this.#db
      .selectFrom('quota_notices')
      .selectAll()
      .where('owner_type', '=', owner.ownerType)
      .where('owner_id', '=', owner.ownerId)
      .orderBy('period_start')
      .orderBy('threshold_percent')
      .execute();
    return rows.map((row) => ({
      owner: { ownerType: row.owner_type, ownerId: row.owner_id },
      periodStartsAt: fromEpochMilliseconds(row.period_start),
      thresholdPercent: toThreshold(row.threshold_percent),
      createdAt: fromEpochMilliseconds(row.created_at),
    }));
  }
}

function toPlanRow(plan: Plan): Insertable<PlansTable> {
  return {
    id: plan.id,
    name: plan.name,
    kind: plan.kind,
    requests_per_minute: plan.limits.requestsPerMinute,
    requests_per_hour: plan.limits.requestsPerHour,
    tokens_per_minute: plan.limits.tokensPerMinute,
    concurrent_requests: plan.limits.concurrentRequests,
    quota_period: plan.quota?.period ?? null,
    quota_unit: plan.quota?.unit ?? null,
    quota_amount: plan.quota?.amount ?? null,
    quota_overage: plan.quota?.overage ?? null,
    allowed_models_json: plan.allowedModels === null ? null : JSON.stringify(plan.allowedModels),
    is_non_commercial_only: plan.flags.isNonCommercialOnly ? 1 : 0,
    created_at: toEpochMilliseconds(plan.createdAt),
    updated_at: toEpochMilliseconds(plan.updatedAt),
  };
}

function toPlan(row: Selectable<PlansTable>): Plan {
  const { quota_period: period, quota_unit: unit, quota_amount: amount, quota_overage: overage } = row;
  return {
    id: row.id,
    name: row.name,
    kind: row.kind,
    limits: {
      requestsPerMinute: row.requests_per_minute,
      requestsPerHour: row.requests_per_hour,
      tokensPerMinute: row.tokens_per_minute,
      concurrentRequests: row.concurrent_requests,
    },
    quota: period !== null && unit !== null && amount !== null && overage !== null ? { period, unit, amount: Number(amount), overage } : null,
    allowedModels: row.allowed_models_json === null ? null : parseModels(row.allowed_models_json, row.id),
    flags: { isNonCommercialOnly: row.is_non_commercial_only === 1 },
    createdAt: fromEpochMilliseconds(row.created_at),
    updatedAt: fromEpochMilliseconds(row.updated_at),
  };
}

function toAssignmentRow(assignment: PlanAssignment): Insertable<PlanAssignmentsTable> {
  return {
    owner_type: assignment.ownerType,
    owner_id: assignment.ownerId,
    plan_id: assignment.planId,
    overrides_json: JSON.stringify(assignment.overrides),
    billing_time_zone: assignment.billingTimeZone,
    assigned_at: toEpochMilliseconds(assignment.assignedAt),
  };
}

function toAssignment(row: Selectable<PlanAssignmentsTable>): PlanAssignment {
  return {
    ownerType: row.owner_type,
    ownerId: row.owner_id,
    planId: row.plan_id,
    overrides: parseOverrides(row.overrides_json, row),
    billingTimeZone: row.billing_time_zone,
    assignedAt: fromEpochMilliseconds(row.assigned_at),
  };
}

// Limits decide what an owner may do, so damaged stored values fail closed (an error), never open (no limits).
function parseModels(json: string, planId: string): string[] {
  const parsed: unknown = JSON.parse(json);
  if (Array.isArray(parsed) && parsed.every((model) => typeof model === 'string')) return parsed;
  throw new Error(`Plan ${planId} has unreadable allowed models.`);
}

function parseOverrides(json: string, row: Pick<PlanAssignmentsTable, 'owner_type' | 'owner_id'>): PlanOverrides {
  const parsed: unknown = JSON.parse(json);
  if (typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed)) {
    const { limits, quota, allowedModels } = parsed as Record<string, unknown>;
    const isObjectOrAbsent = (value: unknown) => value === undefined || (typeof value === 'object' && value !== null && !Array.isArray(value));
    const isModelsOrAbsent = allowedModels === undefined || allowedModels === null || (Array.isArray(allowedModels) && allowedModels.every((model) => typeof model === 'string'));
    if (isObjectOrAbsent(limits) && (quota === null || isObjectOrAbsent(quota)) && isModelsOrAbsent) return parsed as PlanOverrides;
  }
  throw new Error(`The plan assignment of ${row.owner_type} ${row.owner_id} has unreadable overrides.`);
}

function toThreshold(value: number): QuotaNoticeThreshold {
  const threshold = quotaNoticeThresholds.find((candidate) => candidate === value);
  if (threshold === undefined) throw new Error(`Unknown quota notice threshold ${value}.`);
  return threshold;
}

function isForeignKeyViolation(error: unknown): boolean {
  const code = typeof error === 'object' && error !== null && 'code' in error ? error.code : undefined;
  return code === '23503' || code === 'SQLITE_CONSTRAINT_FOREIGNKEY';
}
