/** Security and staff actions recorded in the audit log (ADM-4). Extended as capabilities arrive. */
export type AuditAction =
  | 'api_key.created'
  | 'api_key.revoked'
  | 'api_key.rotated'
  | 'api_key.updated'
  | 'plan.created'
  | 'plan.updated'
  | 'plan.deleted'
  | 'plan.assigned'
  | 'plan.unassigned'
  | 'user.registered'
  | 'user.registration_refused'
  | 'user.email_verified'
  | 'user.signed_in'
  | 'user.password_changed'
  | 'user.compromise_reported'
  | 'user.unlocked'
  | 'user.deletion_requested'
  | 'user.status_changed'
  | 'user.two_factor_setup_started'
  | 'user.two_factor_enabled'
  | 'user.two_factor_disabled'
  | 'user.recovery_codes_regenerated'
  | 'user.recovery_code_used'
  | 'user.sign_in_refused'
  | 'user.profile_updated'
  | 'user.profile_verification_changed'
  | 'staff.created'
  | 'session.revoked'
  | 'session.revoked_all'
  | 'api_key.transferred'
  | 'organization.created'
  | 'organization.renamed'
  | 'organization.deleted'
  | 'organization.member_added'
  | 'organization.member_role_changed'
  | 'organization.member_removed'
  | 'organization.invitation_sent'
  | 'organization.invitation_revoked'
  | 'organization.invitation_accepted'
  | 'sso_identity.linked'
  | 'sso_identity.unlinked';

/** Who did it, and through which door. */
export interface AuditActor {
  userId: string | null;
  apiKeyId: string | null;
  /** The request that carried the action, when it came over HTTP. */
  requestId: string | null;
  via: 'api' | 'cli' | 'system';
}

/** What is appended. Details hold identifiers and flags only, never secrets or user content. */
export interface AuditEventInput {
  action: AuditAction;
  actor: AuditActor;
  targetType: string;
  targetId: string | null;
  details: Record<string, string | number | boolean | null>;
  occurredAt: Date;
}

/** A stored event: numbered, and chained to its predecessor by hash so any edit or deletion shows. */
export interface AuditEvent extends AuditEventInput {
  id: string;
  /** 1, 2, 3 … without gaps. */
  sequence: number;
  /** Hash of the previous event (64 zeros for the first). */
  previousHash: string;
  /** SHA-256 over the previous hash and this event's canonical form. */
  hash: string;
}
