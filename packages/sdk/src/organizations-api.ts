import type {
  CreateInvitationRequestBody,
  MemberRemovalBody,
  OrganizationBody,
  OrganizationDeletedBody,
  OrganizationInvitationBody,
  OrganizationInvitationListBody,
  OrganizationListBody,
  OrganizationMemberBody,
  OrganizationMemberListBody,
  OrganizationRole,
  RemoveMemberRequestBody,
} from '@charter/contracts';
import type { SdkRequest } from './sdk-request.js';

const base = '/api/v1/organizations';
const segment = encodeURIComponent;

/** Organisations (ACC-7) with the session cookie: every call is checked against my membership and role. */
export function createOrganizationsApi(request: SdkRequest) {
  return {
    create: (name: string) => request<OrganizationBody>('POST', base, { name }),
    /** The organisations I belong to, each with my role. */
    list: () => request<OrganizationListBody>('GET', base),
    retrieve: (organizationId: string) => request<OrganizationBody>('GET', `${base}/${segment(organizationId)}`),
    rename: (organizationId: string, name: string) => request<OrganizationBody>('PATCH', `${base}/${segment(organizationId)}`, { name }),
    /** Owners only: revokes every key of the organisation. */
    delete: (organizationId: string) => request<OrganizationDeletedBody>('DELETE', `${base}/${segment(organizationId)}`),
    members: {
      list: (organizationId: string) => request<OrganizationMemberListBody>('GET', `${base}/${segment(organizationId)}/members`),
      changeRole: (organizationId: string, userId: string, role: OrganizationRole) =>
        request<OrganizationMemberBody>('PATCH', `${base}/${segment(organizationId)}/members/${segment(userId)}`, { role }),
      /** Remove a member (or leave, with my own id); their organisation keys are revoked or transferred. */
      remove: (organizationId: string, userId: string, keys: RemoveMemberRequestBody['keys']) =>
        request<MemberRemovalBody>('POST', `${base}/${segment(organizationId)}/members/${segment(userId)}/remove`, { keys }),
    },
    invitations: {
      /** Owners and admins: the link is emailed, never returned. */
      create: (organizationId: string, body: CreateInvitationRequestBody) => request<OrganizationInvitationBody>('POST', `${base}/${segment(organizationId)}/invitations`, body),
      list: (organizationId: string) => request<OrganizationInvitationListBody>('GET', `${base}/${segment(organizationId)}/invitations`),
      revoke: (organizationId: string, invitationId: string) => request<null>('POST', `${base}/${segment(organizationId)}/invitations/${segment(invitationId)}/revoke`),
      /** Accept with the token of the emailed link, signed in with the invited, verified address. */
      accept: (token: string) => request<OrganizationBody>('POST', '/api/v1/invitations/accept', { token }),
    },
  };
}

export type OrganizationsApi = ReturnType<typeof createOrganizationsApi>;
