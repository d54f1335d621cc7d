import type { Principal } from '../accounts/principal.js';
import { AuthenticationError, InvalidRequestError } from '../errors.js';
import { OrganizationNotFoundError, OrganizationPermissionError } from './organization-errors.js';
import { isAllowed, type OrganizationAction, type OrganizationRole } from './organization-permissions.js';
import type { OrganizationRepository } from './organization-repository.js';

/** A request acting for an organisation: the member behind it and their role, read for this request. */
export interface ActingMember {
  organizationId: string;
  userId: string;
  role: OrganizationRole;
}

/**
 * Decides whether a request acts for an organisation, and as whom (ACC-7). A session acts for the organisation
 * its request names (the `OpenAI-Organization` header); an API key acts for the organisation it belongs to.
 * Membership is read from the database on every request (no cache), so a removed member's next request is
 * refused on every node, and an organisation key works only while its current holder is still a member.
 */
export class OrganizationAccess {
  readonly #repository: OrganizationRepository;

  constructor(options: { repository: OrganizationRepository }) {
    this.#repository = options.repository;
  }

  /**
   * The principal the request really acts as, and the member behind it (null for a personal request).
   * A key's principal gets the key's current holder (keys can be handed to another member).
   */
  async resolve(principal: Principal, requestedOrganizationId: string | undefined): Promise<{ principal: Principal; member: ActingMember | null }> {
    if (principal.apiKeyId !== null) {
      if (principal.organizationId === null) {
        if (requestedOrganizationId !== undefined) {
          throw new InvalidRequestError('This API key belongs to a personal account and cannot act for an organization: use a key created for the organization, or leave out the OpenAI-Organization header.', 'OpenAI-Organization');
        }
        return { principal, member: null };
      }
      const holder = await this.#repository.findKeyHolder(principal.apiKeyId);
      if (!holder) throw new AuthenticationError('invalid_api_key', 'This API key was revoked or no longer belongs to a member of its organization.');
      if (requestedOrganizationId !== undefined && requestedOrganizationId !== holder.organizationId) {
        throw new InvalidRequestError('The OpenAI-Organization header does not match the organization of this API key.', 'OpenAI-Organization');
      }
      return { principal: { ...principal, userId: holder.userId, organizationId: holder.organizationId }, member: holder };
    }
    if (requestedOrganizationId === undefined) return { principal, member: null };
    const membership = await this.#repository.findMembership(requestedOrganizationId, principal.userId);
    if (!membership) throw new OrganizationNotFoundError('OpenAI-Organization');
    const member: ActingMember = { organizationId: requestedOrganizationId, userId: principal.userId, role: membership.role };
    return { principal: { ...principal, organizationId: requestedOrganizationId }, member };
  }
}

/** `permission_denied` unless the acting member's role allows the action; personal requests pass. */
export function assertActingPermission(member: ActingMember | null, action: OrganizationAction): void {
  if (member !== null && !isAllowed(member.role, action)) throw new OrganizationPermissionError(member.role, action);
}
