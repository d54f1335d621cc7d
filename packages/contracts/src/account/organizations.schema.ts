import { z } from 'zod';

/** Roles a member can hold (ACC-7); the permission table lives in core. */
export const organizationRoleSchema = z.enum(['owner', 'admin', 'developer', 'billing', 'viewer']);

/** A name: 1–100 characters, no line breaks or other control characters. */
const organizationNameSchema = z
  .string()
  .trim()
  .min(1)
  .max(100)
  .refine((name) => !/[\u0000-\u001f\u007f]/u.test(name), 'must not contain line breaks or control characters');

export const createOrganizationRequestSchema = z.object({ name: organizationNameSchema });
export const updateOrganizationRequestSchema = z.object({ name: organizationNameSchema });

/** An organisation as its members see it, with the caller's own role. */
export const organizationSchema = z.object({
  object: z.literal('organization'),
  id: z.string(),
  name: z.string(),
  role: organizationRoleSchema,
  created_at: z.string(),
});
export type OrganizationBody = z.infer<typeof organizationSchema>;

export const organizationListSchema = z.object({ object: z.literal('list'), data: z.array(organizationSchema) });

export const organizationDeletedSchema = z.object({
  object: z.literal('organization.deleted'),
  id: z.string(),
  deleted: z.literal(true),
  revoked_api_keys: z.number().int(),
});

export const organizationParamsSchema = z.object({ organization_id: z.string().min(1).max(100) });
export const organizationMemberParamsSchema = organizationParamsSchema.extend({ user_id: z.string().min(1).max(100) });
export const organizationInvitationParamsSchema = organizationParamsSchema.extend({ invitation_id: z.string().min(1).max(100) });

export const organizationMemberSchema = z.object({
  object: z.literal('organization.member'),
  user_id: z.string(),
  email: z.string().nullable(),
  display_name: z.string(),
  role: organizationRoleSchema,
  joined_at: z.string(),
});
export type OrganizationMemberBody = z.infer<typeof organizationMemberSchema>;
export const organizationMemberListSchema = z.object({ object: z.literal('list'), data: z.array(organizationMemberSchema) });

export const changeMemberRoleRequestSchema = z.object({ role: organizationRoleSchema });

/**
 * What becomes of the removed member's keys for the organisation: `"revoke"`, or `{"transfer_to": user_id}`
 * to hand them to another member whose role may create keys.
 */
export const removeMemberRequestSchema = z.object({
  keys: z.union([z.literal('revoke'), z.object({ transfer_to: z.string().min(1).max(100) })]),
});

export const memberRemovalSchema = z.object({
  object: z.literal('organization.member.removed'),
  user_id: z.string(),
  revoked_api_key_ids: z.array(z.string()),
  transferred_api_key_ids: z.array(z.string()),
  transferred_to: z.string().nullable(),
});

export const createInvitationRequestSchema = z.object({ email: z.string().trim().min(3).max(254), role: organizationRoleSchema });

/** An invitation as owners and admins see it; the token is only ever in the email. */
export const organizationInvitationSchema = z.object({
  object: z.literal('organization.invitation'),
  id: z.string(),
  email: z.string(),
  role: organizationRoleSchema,
  invited_by_user_id: z.string(),
  created_at: z.string(),
  expires_at: z.string(),
});
export type OrganizationInvitationBody = z.infer<typeof organizationInvitationSchema>;
export const organizationInvitationListSchema = z.object({ object: z.literal('list'), data: z.array(organizationInvitationSchema) });

/** The token from the invitation link (`/invitations#token=…`). */
export const acceptInvitationRequestSchema = z.object({ token: z.string().min(1).max(200) });

export type OrganizationRole = z.infer<typeof organizationRoleSchema>;
export type CreateOrganizationRequestBody = z.infer<typeof createOrganizationRequestSchema>;
export type UpdateOrganizationRequestBody = z.infer<typeof updateOrganizationRequestSchema>;
export type OrganizationListBody = z.infer<typeof organizationListSchema>;
export type OrganizationDeletedBody = z.infer<typeof organizationDeletedSchema>;
export type OrganizationMemberListBody = z.infer<typeof organizationMemberListSchema>;
export type ChangeMemberRoleRequestBody = z.infer<typeof changeMemberRoleRequestSchema>;
export type RemoveMemberRequestBody = z.infer<typeof removeMemberRequestSchema>;
export type MemberRemovalBody = z.infer<typeof memberRemovalSchema>;
export type CreateInvitationRequestBody = z.infer<typeof createInvitationRequestSchema>;
export type OrganizationInvitationListBody = z.infer<typeof organizationInvitationListSchema>;
