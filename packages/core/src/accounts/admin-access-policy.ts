import { PermissionDeniedError } from '../errors.js';
import type { AccountAccess } from './account-access.js';
import { canCallEndpoint, type Principal } from './principal.js';
import { hasStaffPermission, type StaffPermission } from './staff-permissions.js';
import type { StaffRole } from './user.js';

/** Who passed the admin check, and with which role (the instance owner's admin key counts as superadmin). */
export interface StaffMember {
  userId: string;
  role: StaffRole;
  isInstanceOwner: boolean;
}

/**
 * Who may administer the instance (ADM-6). Two doors: the instance owner with an API key whose scopes name
 * `admin` explicitly (so none of the owner's inference keys can change terms if it leaks), and staff signed
 * in with a browser session whose role grants the permission (CSRF-protected, and their account must be
 * active). API keys of anyone else never administer, whatever they name.
 */
export class AdminAccessPolicy {
  readonly #instanceOwnerId: string;
  readonly #access: AccountAccess | undefined;

  constructor(options: { instanceOwnerId: string; accountAccess?: AccountAccess }) {
    this.#instanceOwnerId = options.instanceOwnerId;
    this.#access = options.accountAccess;
  }

  /** The staff member, or `permission_denied` unless the principal holds `permission`. */
  async assertCanAdminister(principal: Principal, permission: StaffPermission): Promise<StaffMember> {
    if (principal.apiKeyId !== null) {
      if (principal.userId !== this.#instanceOwnerId) {
        throw new PermissionDeniedError('API keys cannot administer this instance, except the instance owner’s keys with the "admin" scope. Staff sign in to the dashboard.');
      }
      if (!canCallEndpoint(principal.scopes, 'admin')) {
        throw new PermissionDeniedError('This API key may not administer the instance: create one with the "admin" endpoint scope.');
      }
      return { userId: principal.userId, role: 'superadmin', isInstanceOwner: true };
    }
    if (principal.sessionId === null || !this.#access) throw new PermissionDeniedError('Only the instance owner and staff may administer this instance.');
    // Staff act only while their own account is in good standing (a suspended moderator suspends nobody).
    const user = await this.#access.assertCanUseService(principal.userId);
    if (user.staffRole === null) throw new PermissionDeniedError('Only the instance owner and staff may administer this instance.');
    if (!hasStaffPermission(user.staffRole, permission)) {
      throw new PermissionDeniedError(`Your staff role (${user.staffRole}) does not allow this (${permission}).`);
    }
    return { userId: user.id, role: user.staffRole, isInstanceOwner: false };
  }
}
