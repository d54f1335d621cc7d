import { z } from 'zod';
import { userSchema } from '../account/auth.schema.js';
import { customerProfileSchema, profileVerificationStatusSchema } from '../account/profile.schema.js';

/** Staff roles (ADM-6); `charter admin create --role` takes one. */
export const staffRoleSchema = z.enum(['support', 'moderator', 'billing', 'data_protection_officer', 'superadmin']);

export const accountStatusSchema = z.enum(['active', 'restricted', 'suspended', 'terminated']);

export const adminUserParamsSchema = z.object({ user_id: z.string().min(1).max(100) });

/** Body of `POST /api/v1/admin/users/{user_id}/status`. */
export const changeAccountStatusRequestSchema = z.strictObject({
  status: accountStatusSchema,
  /** Why: kept in the history for appeals; never shown to the account holder. */
  reason: z.string().min(1).max(1000),
});

/** One entry of an account's state history (ACC-10). */
export const accountStatusChangeSchema = z.object({
  object: z.literal('account_status_change'),
  id: z.string(),
  from_status: accountStatusSchema,
  to_status: accountStatusSchema,
  reason: z.string(),
  /** The staff member (or instance owner) who made the change; null for the system. */
  actor_user_id: z.string().nullable(),
  occurred_at: z.string(),
});

/** A user as staff see them: the account, its state history and its customer profile. */
export const adminUserSchema = z.object({
  object: z.literal('admin_user'),
  user: userSchema,
  locked: z.boolean(),
  deletion_requested: z.boolean(),
  status_history: z.array(accountStatusChangeSchema),
  profile: customerProfileSchema,
});
export type AdminUserBody = z.infer<typeof adminUserSchema>;

/** Body of `POST /api/v1/admin/users/{user_id}/profile/verification`. */
export const profileVerificationRequestSchema = z.strictObject({
  status: profileVerificationStatusSchema,
  note: z.string().max(1000).nullish(),
  /** The profile revision reviewed; refused with 409 when the customer changed it since. */
  revision: z.number().int().min(1).nullish(),
});
