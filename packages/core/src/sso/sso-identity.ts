/** What a sign-in through an identity provider is for (ACC-5). */
export type SsoIntent = 'sign_in' | 'link';

/** An account's link to an identity at a provider: that provider's subject signs in as this user. */
export interface SsoIdentity {
  id: string;
  userId: string;
  /** The configured provider id (`google`, `github`, `keycloak` …). */
  providerId: string;
  /** The provider's issuer; with `subject` it names the identity (the id stays stable if the config id changes). */
  issuer: string;
  /** The provider's stable, never reassigned identifier of the person (`sub`, GitHub's numeric id). */
  subject: string;
  /** The email the provider gave when the identity was linked, shown in settings. */
  email: string | null;
  createdAt: Date;
  lastUsedAt: Date | null;
}

/** Who the provider says signed in, after every check of the response (state, PKCE, nonce, ID-token signature). */
export interface ProviderIdentity {
  subject: string;
  /** Lower-cased email, when the provider shared one. */
  email: string | null;
  /** Whether the provider vouches that the person controls `email`. */
  isEmailVerified: boolean;
  name: string | null;
}

/** A verified identity waiting for the registration form (kept server-side with its one-time token). */
export interface PendingSsoRegistration extends ProviderIdentity {
  providerId: string;
  issuer: string;
}
