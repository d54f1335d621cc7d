import { sql, type Kysely } from 'kysely';

// Plans (BIL-1), who is on which plan, quota counters (API-6) and quota threshold notices.
// Booleans are integers 0/1 so both dialects read back the same value; times and period starts are epoch ms.
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('plans')
    .addColumn('id', 'text', (column) => column.primaryKey())
    .addColumn('name', 'text', (column) => column.notNull())
    .addColumn('kind', 'text', (column) => column.notNull())
    .addColumn('requests_per_minute', 'integer')
    .addColumn('requests_per_hour', 'integer')
    .addColumn('tokens_per_minute', 'integer')
    .addColumn('concurrent_requests', 'integer')
    .addColumn('quota_period', 'text')
    .addColumn('quota_unit', 'text')
    .addColumn('quota_amount', 'bigint')
    .addColumn('quota_overage', 'text')
    .addColumn('allowed_models_json', 'text')
    .addColumn('is_non_commercial_only', 'integer', (column) => column.notNull())
    .addColumn('created_at', 'bigint', (column) => column.notNull())
    .addColumn('updated_at', 'bigint', (column) => column.notNull())
    .addCheckConstraint('plans_kind_check', sql`kind in ('free', 'pay_as_you_go', 'monthly', 'annual', 'enterprise')`)
    .addCheckConstraint('plans_is_non_commercial_only_check', sql`is_non_commercial_only in (0, 1)`)
    // A quota is all four fields or none. `is not null` is spelled out: a check on NULL passes.
    .addCheckConstraint(
      'plans_quota_check',
      sql`(quota_period is null and quota_unit is null and quota_amount is null and quota_overage is null)
        or (quota_period is not null and quota_unit is not null and quota_amount is not null and quota_overage is not null
            and quota_period in ('month', 'year') and quota_unit in ('tokens', 'spend_minor') and quota_amount > 0
            and quota_overage in ('block', 'bill'))`,
    )
    .execute();

  // No foreign key to users: the owner may be an organisation, and erasure goes through the data inventory.
  // The plan reference has no cascade, so a plan with owners on it cannot be deleted by accident.
  await db.schema
    .createTable('plan_assignments')
    .addColumn('owner_type', 'text', (column) => column.notNull())
    .addColumn('owner_id', 'text', (column) => column.notNull())
    .addColumn('plan_id', 'text', (column) => column.notNull().references('plans.id'))
    .addColumn('overrides_json', 'text', (column) => column.notNull())
    .addColumn('billing_time_zone', 'text', (column) => column.notNull())
    .addColumn('assigned_at', 'bigint', (column) => column.notNull())
    .addPrimaryKeyConstraint('plan_assignments_pkey', ['owner_type', 'owner_id'])
    .addCheckConstraint('plan_assignments_owner_type_check', sql`owner_type in ('user', 'organization')`)
    .execute();
  await db.schema.createIndex('plan_assignments_plan_id_index').on('plan_assignments').column('plan_id').execute();

  await db.schema
    .createTable('quota_usage')
    .addColumn('owner_type', 'text', (column) => column.notNull())
    .addColumn('owner_id', 'text', (column) => column.notNull())
    .addColumn('period_start', 'bigint', (column) => column.notNull())
    .addColumn('tokens', 'bigint', (column) => column.notNull())
    .addColumn('updated_at', 'bigint', (column) => column.notNull())
    .addPrimaryKeyConstraint('quota_usage_pkey', ['owner_type', 'owner_id', 'period_start'])
    .addCheckConstraint('quota_usage_tokens_check', sql`tokens >= 0`)
    .execute();

  // The primary key makes each notice idempotent: one per owner, period and threshold, whichever node sends it.
  await db.schema
    .createTable('quota_notices')
    .addColumn('owner_type', 'text', (column) => column.notNull())
    .addColumn('owner_id', 'text', (column) => column.notNull())
    .addColumn('period_start', 'bigint', (column) => column.notNull())
    .addColumn('threshold_percent', 'integer', (column) => column.notNull())
    .addColumn('created_at', 'bigint', (column) => column.notNull())
    .addPrimaryKeyConstraint('quota_notices_pkey', ['owner_type', 'owner_id', 'period_start', 'threshold_percent'])
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('quota_notices').execute();
  await db.schema.dropTable('quota_usage').execute();
  await db.schema.dropTable('plan_assignments').execute();
  await db.schema.dropTable('plans').execute();
}
