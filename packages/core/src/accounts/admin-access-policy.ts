import { PermissionDeniedError } from '../errors.js';
import { canCallEndpoint, type Principal } from './principal.js';

/**
 * Who may administer the instance (plans now; staff tools later). Until staff roles exist (accounts issue)
 * that is the instance owner alone, and only with a key whose scopes name `admin` explicitly, so none of
 * the owner's inference keys can change terms if it leaks. Roles will replace the owner check here.
 */
export class AdminAccessPolicy {
  readonly #instanceOwnerId: string;

  constructor(options: { instanceOwnerId: string }) {
    this.#instanceOwnerId = options.instanceOwnerId;
  }

  /** Throws `permission_denied` unless the principal may administer the instance. */
  assertCanAdminister(principal: Principal): void {
    if (principal.userId !== this.#instanceOwnerId) {
      throw new PermissionDeniedError('Only the instance owner may administer this instance.');
    }
    if (!canCallEndpoint(principal.scopes, 'admin')) {
      throw new PermissionDeniedError('This API key may not administer the instance: create one with the "admin" endpoint scope.');
    }
  }
}
