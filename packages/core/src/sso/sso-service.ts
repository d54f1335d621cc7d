import { AccountUnavailableError } from '../accounts/account-access.js';
import { normalizeEmail } from '../accounts/email-address.js';
import { ssoIdentityHash, type IdentityBlocklist } from '../accounts/identity-blocklist.js';
import type { RequestOrigin } from '../accounts/legal-acceptance.js';
import type { UserRepository } from '../accounts/user-repository.js';
import type { AuditLog } from '../audit/audit-log.js';
import type { AttemptThrottle } from '../authentication/attempt-throttle.js';
import type { OneTimeTokenService } from '../authentication/one-time-token-service.js';
import type { SignInResult, SignInService } from '../authentication/sign-in-service.js';
import { CharterError, NotFoundError } from '../errors.js';
import { composeEmail } from '../notices/account-email-templates.js';
import type { AccountNotifier } from '../notices/account-notifier.js';
import type { Session } from '../sessions/session.js';
import type { SessionService } from '../sessions/session-service.js';
import { generateOpaqueToken, hashOpaqueToken } from '../sessions/session-token.js';
import type { Clock } from '../shared/clock.js';
import { newId } from '../shared/ids.js';
import type { Logger } from '../shared/logger.js';
import { localReturnPath } from './local-return-path.js';
import type { SsoAuthorizationRequestRepository } from './sso-authorization-request.js';
import { SsoFailedError } from './sso-errors.js';
import type { PendingSsoRegistration, ProviderIdentity, SsoIntent } from './sso-identity.js';
import type { SsoIdentityRepository } from './sso-identity-repository.js';
import type { SsoProvider } from './sso-provider.js';

export interface SsoServiceOptions {
  providers: readonly SsoProvider[];
  requests: SsoAuthorizationRequestRepository;
  identities: SsoIdentityRepository;
  users: UserRepository;
  blocklist: IdentityBlocklist;
  tokens: OneTimeTokenService;
  throttle: AttemptThrottle;
  signIn: SignInService;
  sessions: SessionService;
  notifier: AccountNotifier;
  audit: AuditLog;
  clock: Clock;
  logger: Logger;
  /** The callback URL registered at the provider for `providerId`. */
  redirectUriFor: (providerId: string) => string;
  /** How long the provider round trip may take. */
  requestLifetimeMs?: number;
}

/** What the callback decided. */
export type SsoCallbackOutcome =
  /** A linked identity signed in: a session, or a second-factor challenge (ACC-4). */
  | { kind: 'signed_in'; result: SignInResult; returnTo: string }
  | { kind: 'linked'; providerId: string; returnTo: string }
  /** The provider's email belongs to an account this identity is not linked to: no automatic linking. */
  | { kind: 'email_in_use'; providerId: string }
  /** A new identity: the registration form completes it with `token`. */
  | { kind: 'registration_required'; token: string; providerId: string };

/** Where each intent goes afterwards unless `return_to` says otherwise. */
export const defaultReturnPaths: Readonly<Record<SsoIntent, string>> = { sign_in: '/', link: '/settings/security' };

const defaultRequestLifetimeMs = 10 * 60 * 1000;
const registrationLifetimeMs = 30 * 60 * 1000;
/** Adding a way to sign in needs a fresh sign-in, like other sensitive actions. */
const linkRecencyMs = 10 * 60 * 1000;

/**
 * Signing in with an identity provider (ACC-5): the authorization request with state, nonce and PKCE, and the
 * callback that signs in a linked identity, links one to the signed-in account, or starts a registration.
 * An identity is never linked by a matching email alone: that needs proof of control of the account.
 */
export class SsoService {
  readonly #options: SsoServiceOptions;
  readonly #providers: ReadonlyMap<string, SsoProvider>;

  constructor(options: SsoServiceOptions) {
    this.#options = options;
    this.#providers = new Map(options.providers.map((provider) => [provider.id, provider]));
  }

  /** The configured providers, for the sign-in page. */
  listProviders(): Array<{ id: string; displayName: string }> {
    return this.#options.providers.map((provider) => ({ id: provider.id, displayName: provider.displayName }));
  }

  provider(providerId: string): SsoProvider {
    const provider = this.#providers.get(providerId);
    if (!provider) throw new NotFoundError(`Sign-in provider '${providerId}'`, 'provider');
    return provider;
  }

  /**
   * Start a round trip: remember state, nonce, PKCE verifier, intent and return path server-side, bound to a
   * secret the browser keeps in an HttpOnly cookie. Linking needs a session that signed in recently.
   */
  async start(input: { providerId: string; intent: SsoIntent; returnTo: string | null; session: Session | null; origin: RequestOrigin }): Promise<{ authorizationUrl: string; bindingToken: string; expiresAt: Date }> {
    const { requests, sessions, throttle, clock } = this.#options;
    const provider = this.provider(input.providerId);
    // Each start writes a row: bound how fast one address can write them.
    await throttle.take([{ key: `sso-start:ip:${input.origin.ipAddress}`, limit: 60, periodMs: 10 * 60 * 1000 }]);
    if (input.intent === 'link') {
      if (!input.session) throw new SsoFailedError('not_signed_in', 'Sign in to link a sign-in provider to your account.', { intent: 'link' });
      if (!sessions.isRecentlyAuthenticated(input.session, linkRecencyMs)) {
        throw new SsoFailedError('reauthentication_required', 'Sign in again to link a sign-in provider (your last sign-in is more than ten minutes old).', { intent: 'link' });
      }
    }
    const now = clock();
    const state = generateOpaqueToken();
    const nonce = generateOpaqueToken();
    const codeVerifier = generateOpaqueToken();
    const bindingToken = generateOpaqueToken();
    const expiresAt = new Date(now.getTime() + (this.#options.requestLifetimeMs ?? defaultRequestLifetimeMs));
    await requests.insert({
      id: newId('ssoreq'),
      stateHash: hashOpaqueToken(state),
      bindingHash: hashOpaqueToken(bindingToken),
      providerId: provider.id,
      intent: input.intent,
      returnTo: localReturnPath(input.returnTo, defaultReturnPaths[input.intent]),
      userId: input.intent === 'link' ? input.session!.userId : null,
      nonce,
      codeVerifier,
      createdAt: now,
      expiresAt,
    });
    const authorizationUrl = await provider.authorizationUrl({ redirectUri: this.#options.redirectUriFor(provider.id), state, nonce, codeVerifier });
    return { authorizationUrl, bindingToken, expiresAt };
  }

  /** Finish a round trip from the provider's redirect. Throws `SsoFailedError` with the reason on failure. */
  async callback(input: { providerId: string; parameters: URLSearchParams; bindingToken: string | null; session: Session | null; origin: RequestOrigin; deviceToken: string }): Promise<SsoCallbackOutcome> {
    const { requests, identities, users, blocklist, clock } = this.#options;
    const provider = this.provider(input.providerId);
    const state = input.parameters.get('state');
    const request = state && input.bindingToken ? await requests.consume(hashOpaqueToken(state), hashOpaqueToken(input.bindingToken), clock()) : undefined;
    if (!request || request.providerId !== provider.id) {
      throw new SsoFailedError('invalid_state', 'This sign-in attempt expired, was already used or was started in another browser. Start again.');
    }
    const identity = await provider.completeAuthorization({
      redirectUri: this.#options.redirectUriFor(provider.id),
      parameters: input.parameters,
      expectedState: state!,
      expectedNonce: request.nonce,
      codeVerifier: request.codeVerifier,
    }).catch((error: unknown) => {
      if (error instanceof SsoFailedError) throw new SsoFailedError(error.reason, error.message, { cause: error.cause, intent: request.intent });
      throw error;
    });
    if (await blocklist.isBlocked(ssoIdentityHash(provider.issuer, identity.subject))) {
      throw new SsoFailedError('identity_blocked', `This ${provider.displayName} account cannot be used with this service.`, { intent: request.intent });
    }
    const existing = await identities.findByIssuerSubject(provider.issuer, identity.subject);

    if (request.intent === 'link') {
      if (!input.session || input.session.userId !== request.userId) {
        throw new SsoFailedError('not_signed_in', 'Sign in to the account you started linking from, then try again.', { intent: 'link' });
      }
      if (existing && existing.userId !== request.userId) {
        throw new SsoFailedError('identity_in_use', `This ${provider.displayName} account is already linked to another account.`, { intent: 'link' });
      }
      if (!existing) await this.#link(request.userId, provider, identity, input.session);
      return { kind: 'linked', providerId: provider.id, returnTo: request.returnTo };
    }

    if (existing) {
      const user = await users.findById(existing.userId);
      if (!user) throw new SsoFailedError('invalid_state', 'This account no longer exists.');
      try {
        const result = await this.#options.signIn.afterPrimaryFactor(user, input.origin, input.deviceToken, 'sso');
        await identities.touch(existing.id, clock());
        return { kind: 'signed_in', result, returnTo: request.returnTo };
      } catch (error) {
        if (error instanceof AccountUnavailableError) throw new SsoFailedError('account_unavailable', error.message, { cause: error });
        throw error;
      }
    }

    if (!identity.email) {
      throw new SsoFailedError('email_missing', `${provider.displayName} did not share a verified email address with us, which a new account needs. Add one there, or register with email and password.`);
    }
    if (await users.findByEmail(normalizeEmail(identity.email))) return { kind: 'email_in_use', providerId: provider.id };
    const pending: PendingSsoRegistration = { ...identity, providerId: provider.id, issuer: provider.issuer };
    // The claims stay in the database with the token's hash; the browser only carries the token.
    const token = await this.#options.tokens.issue('sso_registration', { userId: null, subject: JSON.stringify(pending), lifetimeMs: registrationLifetimeMs });
    return { kind: 'registration_required', token, providerId: provider.id };
  }

  async #link(userId: string, provider: SsoProvider, identity: ProviderIdentity, session: Session): Promise<void> {
    const { identities, users, audit, notifier, clock } = this.#options;
    const now = clock();
    const id = newId('ssoid');
    await identities.link({ id, userId, providerId: provider.id, issuer: provider.issuer, subject: identity.subject, email: identity.email, createdAt: now, lastUsedAt: null }).catch((error: unknown) => {
      // Another request linked the same identity meanwhile; the unique (issuer, subject) settled it.
      if (error instanceof CharterError && error.code === 'conflict') {
        throw new SsoFailedError('identity_in_use', `This ${provider.displayName} account is already linked to another account.`, { cause: error, intent: 'link' });
      }
      throw error;
    });
    await audit.append({ action: 'sso_identity.linked', actor: { userId, apiKeyId: null, requestId: null, via: 'api' }, targetType: 'sso_identity', targetId: id, details: { provider: provider.id, sessionId: session.id }, occurredAt: now });
    const user = await users.findById(userId);
    if (user?.email) {
      notifier.send(composeEmail({
        to: user.email,
        subject: `${provider.displayName} sign-in was added to your account`,
        paragraphs: [`You can now sign in to Charter with ${provider.displayName}.`, 'If this was not you, report it from the security settings at once: it locks the account and ends every session.'],
        action: { label: 'Review your security settings', url: notifier.link('/settings/security') },
      }));
    }
  }
}
