import { type AuditLog, type Logger, SsoIdentityService, type SsoProvider, SsoRegistrationService, SsoService, systemClock } from '@charter/core';
import { GitHubProvider, OpenIdConnectProvider } from '@charter/sso-openid';
import { type Database, SqlIdentityBlocklist, SqlSsoAuthorizationRequestRepository, SqlSsoIdentityRepository } from '@charter/storage';
import { type AccountsWiring, publicUrl } from './accounts.js';
import { type CharterConfig, ConfigError } from './config.js';
import type { SsoProviderConfig } from './sso-config.js';

/** Sign-in with identity providers (ACC-5), wired to its adapters. */
export interface SsoWiring {
  service: SsoService;
  registration: SsoRegistrationService;
  identities: SsoIdentityService;
}

/** The callback URL to register at each provider. */
export function ssoRedirectUri(config: CharterConfig, providerId: string): string {
  return `${publicUrl(config).replace(/\/+$/, '')}/api/v1/auth/sso/${encodeURIComponent(providerId)}/callback`;
}

/** Build the configured providers; a secret named by `clientSecretEnv` must be set, else start fails readably. */
export function createSsoProviders(config: CharterConfig, env: NodeJS.ProcessEnv = process.env): SsoProvider[] {
  const issues: string[] = [];
  const providers = config.accounts.sso.providers.map((provider, index): SsoProvider | undefined => {
    const clientSecret = provider.clientSecret ?? (provider.clientSecretEnv ? env[provider.clientSecretEnv] : undefined);
    if (!clientSecret) {
      issues.push(`accounts.sso.providers.${index}.clientSecretEnv: the environment variable ${provider.clientSecretEnv} (client secret of "${provider.id}") is not set`);
      return undefined;
    }
    return createProvider(provider, clientSecret);
  });
  if (issues.length > 0) throw new ConfigError('environment', issues);
  return providers.filter((provider): provider is SsoProvider => provider !== undefined);
}

function createProvider(provider: SsoProviderConfig, clientSecret: string): SsoProvider {
  const common = { id: provider.id, displayName: provider.displayName, issuer: provider.issuer, clientId: provider.clientId, clientSecret, scopes: provider.scopes, allowInsecureHttp: provider.allowInsecureHttp };
  if (provider.kind === 'github') {
    return new GitHubProvider({ ...common, authorizationEndpoint: provider.authorizationEndpoint!, tokenEndpoint: provider.tokenEndpoint!, apiUrl: provider.apiUrl! });
  }
  return new OpenIdConnectProvider({ ...common, tokenEndpointAuthMethod: provider.tokenEndpointAuthMethod });
}

export function createSso(options: { config: CharterConfig; database: Database; accounts: AccountsWiring; audit: AuditLog; logger: Logger; env?: NodeJS.ProcessEnv }): SsoWiring {
  const { config, database, accounts, audit, logger } = options;
  const clock = systemClock;
  const identities = new SqlSsoIdentityRepository(database.db);
  const blocklist = new SqlIdentityBlocklist(database.db);
  const service = new SsoService({
    providers: createSsoProviders(config, options.env),
    requests: new SqlSsoAuthorizationRequestRepository(database.db),
    identities,
    users: accounts.users,
    blocklist,
    tokens: accounts.tokens,
    throttle: accounts.throttle,
    signIn: accounts.signIn,
    sessions: accounts.sessions,
    notifier: accounts.notifier,
    audit,
    clock,
    logger,
    redirectUriFor: (providerId) => ssoRedirectUri(config, providerId),
    requestLifetimeMs: config.accounts.sso.requestLifetimeMs,
  });
  const registration = new SsoRegistrationService({ registration: accounts.registration, identities, users: accounts.users, blocklist, tokens: accounts.tokens, audit, clock });
  const displayNameOf = (providerId: string) => service.listProviders().find((provider) => provider.id === providerId)?.displayName;
  return { service, registration, identities: new SsoIdentityService({ identities, security: accounts.security, notifier: accounts.notifier, audit, clock, displayNameOf }) };
}
