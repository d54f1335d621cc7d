import type { AccountSecurityService, Reauthentication } from '../accounts/account-security-service.js';
import type { User } from '../accounts/user.js';
import type { AuditActor } from '../audit/audit-event.js';
import type { AuditLog } from '../audit/audit-log.js';
import { InvalidRequestError, NotFoundError } from '../errors.js';
import { composeEmail } from '../notices/account-email-templates.js';
import type { AccountNotifier } from '../notices/account-notifier.js';
import type { Session } from '../sessions/session.js';
import type { Clock } from '../shared/clock.js';
import type { SsoIdentity } from './sso-identity.js';
import type { SsoIdentityRepository } from './sso-identity-repository.js';

export interface SsoIdentityServiceOptions {
  identities: SsoIdentityRepository;
  security: AccountSecurityService;
  notifier: AccountNotifier;
  audit: AuditLog;
  clock: Clock;
  /** The configured name of a provider id, for emails (the id when the provider is no longer configured). */
  displayNameOf?: (providerId: string) => string | undefined;
}

/** A person's linked sign-in providers (ACC-5): list them, remove one after re-authentication. */
export class SsoIdentityService {
  readonly #options: SsoIdentityServiceOptions;

  constructor(options: SsoIdentityServiceOptions) {
    this.#options = options;
  }

  list(userId: string): Promise<SsoIdentity[]> {
    return this.#options.identities.listByUser(userId);
  }

  /** Unlink one of the user's identities; never the last way to sign in (no password, no other identity). */
  async unlink(user: User, identityId: string, session: Session | null, proof: Reauthentication, actor: AuditActor): Promise<void> {
    const { identities, security, notifier, audit, clock } = this.#options;
    // Ownership first, so another user's id answers "not found" before any password prompt.
    const owned = (await identities.listByUser(user.id)).find((identity) => identity.id === identityId);
    if (!owned) throw new NotFoundError('Linked identity', 'id');
    await security.reauthenticate(user, session, proof);
    const { removed } = await identities.unlink(user.id, identityId);
    if (!removed) {
      throw new InvalidRequestError('This is the only way to sign in to your account. Set a password or link another provider before removing it.', 'id');
    }
    const now = clock();
    await audit.append({ action: 'sso_identity.unlinked', actor, targetType: 'sso_identity', targetId: identityId, details: { provider: owned.providerId }, occurredAt: now });
    if (user.email) {
      notifier.send(composeEmail({
        to: user.email,
        subject: 'A sign-in provider was removed from your account',
        paragraphs: [`Signing in with ${this.#options.displayNameOf?.(owned.providerId) ?? owned.providerId} no longer works for your Charter account.`, 'If this was not you, report it from the security settings at once.'],
        action: { label: 'Review your security settings', url: notifier.link('/settings/security') },
      }));
    }
  }
}
