import type { MemberKeyDisposition, Membership, OrganizationInvitation, OrganizationMemberView } from '@charter/core';
import type { OrganizationBody, OrganizationInvitationBody, OrganizationMemberBody } from '@charter/contracts';

/** Domain organisation and the caller's role → wire shape. */
export function toOrganizationBody(membership: Membership): OrganizationBody {
  return {
    object: 'organization',
    id: membership.organization.id,
    name: membership.organization.name,
    role: membership.role,
    created_at: membership.organization.createdAt.toISOString(),
  };
}

export function toMemberBody(member: OrganizationMemberView): OrganizationMemberBody {
  return { object: 'organization.member', user_id: member.userId, email: member.email, display_name: member.displayName, role: member.role, joined_at: member.joinedAt.toISOString() };
}

/** Never the token hash. */
export function toInvitationBody(invitation: OrganizationInvitation): OrganizationInvitationBody {
  return {
    object: 'organization.invitation',
    id: invitation.id,
    email: invitation.email,
    role: invitation.role,
    invited_by_user_id: invitation.invitedByUserId,
    created_at: invitation.createdAt.toISOString(),
    expires_at: invitation.expiresAt.toISOString(),
  };
}

export function toKeyDisposition(keys: 'revoke' | { transfer_to: string }): MemberKeyDisposition {
  return keys === 'revoke' ? { kind: 'revoke' } : { kind: 'transfer', toUserId: keys.transfer_to };
}
