import { CharterError, InvalidRequestError, NotFoundError, PermissionDeniedError } from '../errors.js';
import type { MembershipChangeRefusal, OrganizationAction, OrganizationRole } from './organization-permissions.js';

/**
 * The organisation does not exist, was deleted, or the caller is not a member: the three are
 * indistinguishable on purpose, so nobody learns which organisations exist.
 */
export class OrganizationNotFoundError extends NotFoundError {
  constructor(param = 'organization_id') {
    super('Organization', param);
  }
}

/** A member whose role does not allow the action. */
export class OrganizationPermissionError extends PermissionDeniedError {
  readonly action: OrganizationAction;
  constructor(role: OrganizationRole, action: OrganizationAction) {
    super(`Your role in this organization (${role}) does not allow ${action}.`);
    this.action = action;
  }
}

/** Throw the error that explains a refused membership change; no-op when it is allowed. */
export function throwIfRefused(refusal: MembershipChangeRefusal, action: OrganizationAction, actorRole: OrganizationRole): void {
  switch (refusal) {
    case null:
      return;
    case 'not_permitted':
      throw new OrganizationPermissionError(actorRole, action);
    case 'only_owners_grant_owner':
      throw new PermissionDeniedError('Only an owner can make someone an owner.');
    case 'only_owners_change_owners':
      throw new PermissionDeniedError('Only an owner can remove or demote an owner.');
    case 'last_owner':
      throw new CharterError('conflict', 'An organization must keep at least one owner: make another member owner first, or delete the organization.');
  }
}

/** A name for an organisation: trimmed, 1–100 characters, no control characters (it appears in email subjects). */
export function validOrganizationName(name: string): string {
  const trimmed = name.trim();
  if (trimmed.length === 0 || trimmed.length > 100 || /[\u0000-\u001f\u007f]/u.test(trimmed)) {
    throw new InvalidRequestError('The name must be 1 to 100 characters without line breaks or control characters.', 'name');
  }
  return trimmed;
}
