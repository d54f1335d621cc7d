import { z } from 'zod';

/** Ready-made settings for well-known providers; every field can still be overridden. */
const presets = {
  google: { kind: 'oidc', displayName: 'Google', issuer: 'https://accounts.google.com', scopes: ['openid', 'email', 'profile'] },
  github: {
    kind: 'github',
    displayName: 'GitHub',
    issuer: 'https://github.com',
    scopes: ['read:user', 'user:email'],
    authorizationEndpoint: 'https://github.com/login/oauth/authorize',
    tokenEndpoint: 'https://github.com/login/oauth/access_token',
    apiUrl: 'https://api.github.com',
  },
} as const;

const providerInputSchema = z
  .object({
    /** Used in URLs and as the button id; defaults to the preset's name. */
    id: z.string().regex(/^[a-z0-9][a-z0-9_-]{0,39}$/, 'Use 1 to 40 lower-case letters, digits, "-" and "_".').optional(),
    preset: z.enum(['google', 'github']).optional(),
    /** `oidc`: any OpenID Connect provider (discovery from `issuer`); `github`: GitHub's OAuth2 dialect. */
    kind: z.enum(['oidc', 'github']).optional(),
    displayName: z.string().min(1).max(60).optional(),
    issuer: z.url().optional(),
    clientId: z.string().min(1),
    clientSecret: z.string().min(1).optional(),
    /** The name of an environment variable that holds the client secret (keeps it out of the file). */
    clientSecretEnv: z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'Use an environment variable name.').optional(),
    scopes: z.array(z.string().min(1)).min(1).optional(),
    tokenEndpointAuthMethod: z.enum(['client_secret_basic', 'client_secret_post']).default('client_secret_basic'),
    /** GitHub endpoints, overridable for GitHub Enterprise or a local stand-in in tests. */
    authorizationEndpoint: z.url().optional(),
    tokenEndpoint: z.url().optional(),
    apiUrl: z.url().optional(),
    /** Allow `http://` provider endpoints: only for a provider on this machine (development, tests). */
    allowInsecureHttp: z.boolean().default(false),
  })
  .strict();

/** One provider after presets are applied and every required field is checked. */
export interface SsoProviderConfig {
  id: string;
  kind: 'oidc' | 'github';
  displayName: string;
  issuer: string;
  clientId: string;
  clientSecret: string | undefined;
  clientSecretEnv: string | undefined;
  scopes: string[];
  tokenEndpointAuthMethod: 'client_secret_basic' | 'client_secret_post';
  authorizationEndpoint: string | undefined;
  tokenEndpoint: string | undefined;
  apiUrl: string | undefined;
  allowInsecureHttp: boolean;
}

const providerSchema = providerInputSchema.transform((input, context): SsoProviderConfig => {
  const preset = input.preset ? presets[input.preset] : undefined;
  const id = input.id ?? input.preset;
  const kind = input.kind ?? preset?.kind;
  const issuer = input.issuer ?? preset?.issuer;
  const fail = (message: string, path: string) => {
    context.addIssue({ code: 'custom', message, path: [path] });
    return z.NEVER;
  };
  if (!id) return fail('Give the provider an id (or a preset: "google", "github").', 'id');
  if (!kind) return fail('Set kind to "oidc" or "github" (or use a preset).', 'kind');
  if (!issuer) return fail('An OpenID Connect provider needs its issuer URL (for example https://keycloak.example.com/realms/main).', 'issuer');
  if ((input.clientSecret === undefined) === (input.clientSecretEnv === undefined)) return fail('Set exactly one of clientSecret or clientSecretEnv.', 'clientSecret');
  const github = kind === 'github' ? presets.github : undefined;
  if (kind === 'oidc' && (input.authorizationEndpoint || input.tokenEndpoint || input.apiUrl)) {
    return fail('OpenID Connect endpoints come from the issuer\'s discovery document; authorizationEndpoint, tokenEndpoint and apiUrl are for kind "github".', 'authorizationEndpoint');
  }
  return {
    id,
    kind,
    displayName: input.displayName ?? preset?.displayName ?? id,
    issuer,
    clientId: input.clientId,
    clientSecret: input.clientSecret,
    clientSecretEnv: input.clientSecretEnv,
    scopes: input.scopes ?? [...(preset?.scopes ?? (kind === 'github' ? presets.github.scopes : ['openid', 'email', 'profile']))],
    tokenEndpointAuthMethod: input.tokenEndpointAuthMethod,
    authorizationEndpoint: input.authorizationEndpoint ?? github?.authorizationEndpoint,
    tokenEndpoint: input.tokenEndpoint ?? github?.tokenEndpoint,
    apiUrl: input.apiUrl ?? github?.apiUrl,
    allowInsecureHttp: input.allowInsecureHttp,
  };
});

/** `accounts.sso` (ACC-5): sign-in with identity providers; none by default. */
export const ssoConfigSchema = z
  .object({
    providers: z
      .array(providerSchema)
      .default([])
      .superRefine((providers, context) => {
        const seen = new Set<string>();
        providers.forEach((provider, index) => {
          if (seen.has(provider.id)) context.addIssue({ code: 'custom', message: `The provider id "${provider.id}" is used twice.`, path: [index, 'id'] });
          seen.add(provider.id);
        });
      }),
    /** How long the round trip through the provider may take. */
    requestLifetimeMs: z.number().int().min(60_000).max(60 * 60 * 1000).default(10 * 60 * 1000),
  })
  .prefault({});

export type SsoConfig = z.infer<typeof ssoConfigSchema>;
