import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { ssoConfigSchema } from './sso-config.js';

const maxContextWindow = 262_144;

const embeddedModelSchema = z.object({
  /** Public (and engine-local) model name. */
  name: z.string().min(1),
  /** A GGUF file path, an `hf:` URI or an https URL. */
  source: z.string().min(1),
  contextWindow: z.number().int().min(16).max(maxContextWindow).optional(),
  embeddings: z.boolean().default(true),
});

const upstreamSchema = z.object({
  id: z.string().regex(/^[a-z0-9][a-z0-9_-]*$/i, 'Use letters, digits, "-" and "_".'),
  baseUrl: z.url(),
  /** Bearer token for the upstream; or name an environment variable with `apiKeyEnv`. */
  apiKey: z.string().optional(),
  apiKeyEnv: z.string().optional(),
  headers: z.record(z.string(), z.string()).default({}),
  connectTimeoutMs: z.number().int().positive().default(5_000),
  firstByteTimeoutMs: z.number().int().positive().default(60_000),
  idleTimeoutMs: z.number().int().positive().default(60_000),
  maxRetries: z.number().int().min(0).max(10).default(2),
  maxConcurrent: z.number().int().positive().optional(),
  tokenizer: z.enum(['none', 'upstream']).default('none'),
  healthCheck: z
    .union([z.literal(false), z.object({ path: z.string().optional(), intervalMs: z.number().int().positive().default(10_000), timeoutMs: z.number().int().positive().default(2_000) })])
    .default({ intervalMs: 10_000, timeoutMs: 2_000 }),
  models: z
    .array(
      z.object({
        name: z.string().min(1),
        upstreamModel: z.string().optional(),
        contextWindow: z.number().int().min(16).max(maxContextWindow),
        embeddings: z.boolean().default(false),
      }),
    )
    .min(1),
});

const routeSchema = z.object({
  /** Public model name clients send. */
  model: z.string().min(1),
  contextWindow: z.number().int().min(16).max(maxContextWindow).optional(),
  targets: z
    .array(
      z.object({
        /** `embedded` or the id of an upstream. */
        engine: z.string().min(1),
        /** Model name at that engine; defaults to the public name. */
        model: z.string().optional(),
        weight: z.number().positive().default(1),
      }),
    )
    .min(1),
});

/** A 256-bit master key (PRV-9): `key` is base64 of exactly 32 random bytes (`openssl rand -base64 32`). */
const masterKeySchema = z.object({
  id: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'Use 1-64 letters, digits, "-" and "_".'),
  key: z.string().refine((key) => /^[A-Za-z0-9+/_-]+={0,2}$/.test(key.trim()) && Buffer.from(key.trim(), 'base64').length === 32, 'Must be base64 of exactly 32 bytes (openssl rand -base64 32).'),
});

/** The whole configuration, validated at start (OPS-4). */
export const configSchema = z.object({
  dataDir: z.string().default('./data'),
  server: z
    .object({
      host: z.string().default('127.0.0.1'),
      port: z.number().int().min(0).max(65_535).default(8080),
      /** Trust `X-Forwarded-*` from a TLS proxy in front (PRV-9). */
      trustProxy: z.boolean().default(false),
      /** How long running streams may take to finish on shutdown. */
      shutdownGraceMs: z.number().int().min(0).default(30_000),
      /** Deadline of one inference request. */
      requestTimeoutMs: z.number().int().positive().default(600_000),
      bodyLimitBytes: z.number().int().positive().default(32 * 1024 * 1024),
    })
    .prefault({}),
  database: z.object({ url: z.string().optional() }).prefault({}),
  redis: z.object({ url: z.string().optional() }).prefault({}),
  log: z
    .object({
      level: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
      /** One JSON line per request (request id, route, status, latency; never prompt text). */
      requests: z.boolean().default(true),
    })
    .prefault({}),
  embedded: z
    .object({
      /** CPU threads for llama.cpp; defaults to the machine's cores. */
      threads: z.number().int().positive().optional(),
      /** Requests generated together per model (llama.cpp sequences). */
      parallelSequences: z.number().int().min(1).max(64).default(4),
      /** Requests that may wait for a sequence before new ones get 503. */
      maxQueue: z.number().int().min(0).default(32),
      models: z.array(embeddedModelSchema).default([]),
    })
    .prefault({}),
  upstreams: z.array(upstreamSchema).default([]),
  /** Public model names and where they are served; default: one route per engine model. */
  routes: z.array(routeSchema).default([]),
  metering: z
    .object({
      flushIntervalMs: z.number().int().positive().default(1000),
      maxBatchSize: z.number().int().positive().default(500),
    })
    .prefault({}),
  apiKeys: z.object({ cacheTtlMs: z.number().int().min(0).default(1000) }).prefault({}),
  /** Plans, quotas and rate limits (API-5, API-6, BIL-1). */
  limits: z
    .object({
      isEnabled: z.boolean().default(true),
      /** Plan of owners without an assignment. */
      defaultPlanId: z.string().min(1).default('free'),
      /** Plan the instance owner is put on at first start (when it has none). */
      ownerPlanId: z.string().min(1).default('enterprise'),
      /** With Redis: refuse (503) or fall back to per-node limits when Redis fails; recovers by itself. */
      redisFailurePolicy: z.enum(['fail_closed', 'fail_open_local']).default('fail_open_local'),
      /** A Redis call slower than this counts as a failure (generous: a busy node must not look like a dead Redis). */
      redisCommandTimeoutMs: z.number().int().positive().default(250),
      /**
       * Start the engine while the reservation is in flight when this node last saw every window of the request
       * at least half free (a refusal then cancels the engine call); near a limit the engine waits for admission.
       */
      overlapAdmission: z.boolean().default(true),
    })
    .prefault({}),
  /** Acceptable-use checks (AUP-1, AUP-2): the policy is validated by core's `parseModerationPolicy`. */
  /** The web app, served at `/` by this process. */
  web: z
    .object({
      isEnabled: z.boolean().default(true),
      /** The built app (`npm run build:web`); default apps/web/dist of this repository. */
      directory: z.string().optional(),
    })
    .prefault({}),
  /** Where people reach this service (links in emails); default `http://<host>:<port>`. */
  publicUrl: z.url().optional(),
  /** Accounts, sign-in and sessions (ACC-*). */
  accounts: z
    .object({
      /** Versions of the legal documents in force, which new accounts accept (POL-1, POL-3). */
      legal: z.object({ termsVersion: z.string().min(1).default('2026-11-01'), privacyVersion: z.string().min(1).default('2026-11-01') }).prefault({}),
      sessionIdleTimeoutMs: z.number().int().positive().default(14 * 24 * 60 * 60 * 1000),
      sessionAbsoluteTimeoutMs: z.number().int().positive().default(30 * 24 * 60 * 60 * 1000),
      /** `auto`: Secure cookies when the request came over TLS (directly or per a trusted proxy). */
      cookieSecure: z.enum(['auto', 'always', 'never']).default('auto'),
      /** How long a node trusts its cached view of an account's state; keep ≤ 1000 (ACC-10: within a second). */
      accessCacheTtlMs: z.number().int().min(0).max(1000).default(500),
      /** ISO 3166-1 country or 3166-2 region codes refused by declared and IP location (ACC-2). */
      sanctionedRegions: z.array(z.string().regex(/^[A-Za-z]{2}(-[A-Za-z0-9]{1,3})?$/, 'Use ISO 3166-1 or 3166-2 codes.')).optional(),
      /** Where IP locations and restricted parties come from (ACC-2); every file is checked at start. */
      eligibility: z
        .object({
          /** A MaxMind-format GeoIP2/GeoLite2 Country or City database (`.mmdb`); City adds regions such as UA-43. */
          geoipDatabasePath: z.string().min(1).optional(),
          /** A header a trusted proxy sets to the client's ISO country (`CF-IPCountry`, `X-Country-Code`); honoured only when set here. */
          countryHeader: z.string().regex(/^[A-Za-z0-9-]+$/, 'Use a header name such as CF-IPCountry.').optional(),
          /** CSV with a header row naming `name` (and optionally `type`, `country`, `source`), screened at registration. */
          restrictedPartiesCsvPath: z.string().min(1).optional(),
        })
        .prefault({}),
      /** Ages of majority by country or region where not 18, added to the built-in table. */
      agesOfMajority: z.record(z.string(), z.number().int().min(14).max(25)).default({}),
      /** The name authenticator apps show beside the account (ACC-4). */
      twoFactorIssuer: z.string().min(1).max(64).default('Charter'),
      /** Sign-in with Google, GitHub or any OpenID Connect provider (ACC-5): see sso-config.ts. */
      sso: ssoConfigSchema,
    })
    .prefault({}),
  /**
   * Encryption at rest (PRV-9). Master keys wrap the data keys of every sealed value; the current one seals,
   * every listed one opens. Env `CHARTER_MASTER_KEY=<id>:<base64>[,<id>:<base64>…]` (the first is current).
   * Without any, SQLite deployments generate `<data dir>/master.key`; PostgreSQL deployments must configure one.
   */
  security: z
    .object({
      masterKeys: z.array(masterKeySchema).default([]),
      /** The key that seals new values; default the first of `masterKeys`. */
      currentMasterKeyId: z.string().optional(),
      /** A file of `<id>:<base64>` lines (first is current), e.g. a mounted secret; read at start. */
      masterKeyFile: z.string().optional(),
    })
    .prefault({})
    .refine((security) => !security.currentMasterKeyId || security.masterKeys.some((key) => key.id === security.currentMasterKeyId), {
      message: 'currentMasterKeyId must be the id of one of masterKeys.',
      path: ['currentMasterKeyId'],
    }),
  /** Outgoing email: SMTP when `smtpUrl` is set, else files in `<data dir>/outbox` (development). */
  mail: z
    .object({
      smtpUrl: z.string().regex(/^smtps?:\/\//, 'Use smtp://… or smtps://…').optional(),
      from: z.string().min(3).default('Charter <no-reply@localhost>'),
      requireTls: z.boolean().default(false),
      outboxDir: z.string().optional(),
    })
    .prefault({}),
  moderation: z
    .object({
      isEnabled: z.boolean().default(true),
      /** Per-category overrides: `{ "categories": { "sexual": { "input": "block", "threshold": 0.6 } } }`. */
      policy: z.record(z.string(), z.unknown()).default({}),
      /** Keep the moderated text with each violation (default: only its hash). */
      isEvidenceRetained: z.boolean().default(false),
      /** Classifier artefact; default the one shipped in packages/moderation-training/model. */
      classifierPath: z.string().optional(),
      /** A guard model behind a configured engine, consulted on inputs as well. */
      guard: z.object({ engine: z.string().min(1), model: z.string().min(1) }).optional(),
      outputCheckIntervalChars: z.number().int().positive().default(48),
      outputHoldBackChars: z.number().int().min(0).default(24),
    })
    .prefault({}),
});

export type CharterConfig = z.infer<typeof configSchema>;
export type UpstreamConfig = CharterConfig['upstreams'][number];

/** A configuration problem, with every issue on its own line. */
export class ConfigError extends Error {
  constructor(source: string, issues: string[]) {
    super(`Invalid configuration (${source}):\n${issues.map((issue) => `  - ${issue}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

/**
 * Read the configuration: defaults, then the JSON file (`CHARTER_CONFIG`, or `<dataDir>/charter.json` when
 * present), then the environment: CHARTER_DATA_DIR, CHARTER_MODEL, CHARTER_MODEL_CONTEXT, CHARTER_THREADS,
 * CHARTER_HOST, CHARTER_PORT, DATABASE_URL, REDIS_URL, CHARTER_LOG_LEVEL, CHARTER_PUBLIC_URL, CHARTER_SMTP_URL,
 * CHARTER_MAIL_FROM, CHARTER_MASTER_KEY. Throws `ConfigError` with readable issues.
 */
export function loadConfig(env: NodeJS.ProcessEnv = process.env, overrides: Record<string, unknown> = {}): CharterConfig {
  const dataDir = env.CHARTER_DATA_DIR ?? './data';
  const filePath = env.CHARTER_CONFIG ?? path.join(dataDir, 'charter.json');
  let fromFile: Record<string, unknown> = {};
  if (existsSync(filePath)) {
    try {
      fromFile = JSON.parse(readFileSync(filePath, 'utf8')) as Record<string, unknown>;
    } catch (error) {
      throw new ConfigError(filePath, [`not valid JSON: ${(error as Error).message}`]);
    }
  } else if (env.CHARTER_CONFIG) {
    throw new ConfigError(filePath, ['file not found']);
  }
  const merged = deepMerge(deepMerge(fromFile, fromEnvironment(env)), overrides);
  const parsed = configSchema.safeParse(merged);
  if (!parsed.success) {
    const source = existsSync(filePath) ? `${filePath} and environment` : 'environment';
    throw new ConfigError(source, parsed.error.issues.map((issue) => `${issue.path.join('.') || '(root)'}: ${issue.message}`));
  }
  return parsed.data;
}

function fromEnvironment(env: NodeJS.ProcessEnv): Record<string, unknown> {
  const config: Record<string, unknown> = {};
  const server: Record<string, unknown> = {};
  if (env.CHARTER_DATA_DIR) config.dataDir = env.CHARTER_DATA_DIR;
  if (env.CHARTER_HOST) server.host = env.CHARTER_HOST;
  if (env.CHARTER_PORT) server.port = numberFromEnv('CHARTER_PORT', env.CHARTER_PORT);
  if (Object.keys(server).length > 0) config.server = server;
  if (env.DATABASE_URL) config.database = { url: env.DATABASE_URL };
  if (env.REDIS_URL) config.redis = { url: env.REDIS_URL };
  if (env.CHARTER_LOG_LEVEL) config.log = { level: env.CHARTER_LOG_LEVEL };
  if (env.CHARTER_PUBLIC_URL) config.publicUrl = env.CHARTER_PUBLIC_URL;
  const mail: Record<string, unknown> = {};
  if (env.CHARTER_SMTP_URL) mail.smtpUrl = env.CHARTER_SMTP_URL;
  if (env.CHARTER_MAIL_FROM) mail.from = env.CHARTER_MAIL_FROM;
  if (Object.keys(mail).length > 0) config.mail = mail;
  if (env.CHARTER_MASTER_KEY) config.security = { masterKeys: parseMasterKeyList(env.CHARTER_MASTER_KEY) };
  if (env.CHARTER_MODEL) {
    const contextWindow = env.CHARTER_MODEL_CONTEXT ? numberFromEnv('CHARTER_MODEL_CONTEXT', env.CHARTER_MODEL_CONTEXT) : undefined;
    config.embedded = { models: [{ name: modelNameFromSource(env.CHARTER_MODEL), source: env.CHARTER_MODEL, contextWindow }] };
  }
  if (env.CHARTER_THREADS) config.embedded = { ...(config.embedded as object | undefined), threads: numberFromEnv('CHARTER_THREADS', env.CHARTER_THREADS) };
  return config;
}

/**
 * `id:base64[,id:base64…]` (or one per line, `#` comments); a lone key without an id is called `primary`. Left
 * for the schema to validate.
 */
export function parseMasterKeyList(value: string): Array<{ id: string; key: string }> {
  return value
    .split('\n')
    .flatMap((line) => line.replace(/#.*$/, '').split(','))
    .map((entry) => entry.trim())
    .filter((entry) => entry !== '')
    .map((entry) => {
      const separator = entry.indexOf(':');
      return separator < 0 ? { id: 'primary', key: entry } : { id: entry.slice(0, separator).trim(), key: entry.slice(separator + 1).trim() };
    });
}

function numberFromEnv(name: string, value: string): number | string {
  const number = Number(value);
  return Number.isFinite(number) && value.trim() !== '' ? number : `${name} must be a number, got "${value}"`;
}

/** `/models/Qwen3-8B-Q4_K_M.gguf` → `Qwen3-8B-Q4_K_M`; `hf:org/repo:Q4_K_M` → `repo:Q4_K_M`. */
export function modelNameFromSource(source: string): string {
  const withoutQuery = source.split(/[?#]/)[0] ?? source;
  const last = withoutQuery.split('/').filter(Boolean).pop() ?? 'default';
  return last.replace(/\.gguf$/i, '') || 'default';
}

function deepMerge(base: Record<string, unknown>, extra: Record<string, unknown>): Record<string, unknown> {
  const result: Record<string, unknown> = { ...base };
  for (const [key, value] of Object.entries(extra)) {
    const existing = result[key];
    result[key] = isPlainObject(existing) && isPlainObject(value) ? deepMerge(existing, value) : value;
  }
  return result;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
