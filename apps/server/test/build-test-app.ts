import { randomBytes } from 'node:crypto';
import { PassThrough } from 'node:stream';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { InferenceEngine } from '@charter/engine-spec';
import { createOpenAiCompatibleEngine, type OpenAiCompatibleEngineOptions } from '@charter/engine-openai-compatible';
import { createTestDatabase, startFakeUpstream, startSmtpSink, type FakeUpstream, type FakeUpstreamOptions, type SmtpSink, type TestDatabase, type TestDialect } from '@charter/testing';
import { buildApp, type CharterApp } from '../src/app.js';
import { configSchema } from '../src/config.js';

/** A built app on a real test database, served by a real OpenAI-compatible engine in front of a local fake upstream. */
export interface TestApp {
  app: CharterApp;
  upstream: FakeUpstream;
  database: TestDatabase;
  /** The real SMTP server the app sends its email to. */
  mail: SmtpSink;
  /** Every log line the app wrote, as text. */
  logs: () => string;
  /** A key of the instance owner with every scope including key management. */
  ownerKey: string;
  close(): Promise<void>;
}

export interface TestAppOptions {
  upstream?: FakeUpstreamOptions;
  engine?: Partial<OpenAiCompatibleEngineOptions>;
  config?: Record<string, unknown>;
  contextWindow?: number;
  /** More engines beside the fake one (a guard model behind a second fake upstream, say). */
  extraEngines?: InferenceEngine[];
  /** Serve from this (another test app's) database, as a second node would; it is left open on close. */
  database?: TestDatabase;
}

export async function startTestApp(dialect: TestDialect, options: TestAppOptions = {}): Promise<TestApp> {
  const database = options.database ?? (await createTestDatabase(dialect));
  const upstream = await startFakeUpstream(options.upstream);
  const mail = await startSmtpSink();
  const dataDir = await mkdtemp(join(tmpdir(), 'charter-app-'));
  const logStream = new PassThrough();
  let logText = '';
  logStream.on('data', (chunk: Buffer) => (logText += chunk.toString('utf8')));
  const engine = createOpenAiCompatibleEngine({
    id: 'fake',
    baseUrl: upstream.url,
    models: [{ name: 'fake-model', contextWindow: options.contextWindow ?? 4096, capabilities: { chat: true, completion: true, embeddings: true } }],
    connectTimeoutMs: 2000,
    firstByteTimeoutMs: 5000,
    idleTimeoutMs: 5000,
    maxRetries: 0,
    tokenizer: 'upstream',
    healthCheck: false,
    ...options.engine,
  });
  const config = configSchema.parse({
    dataDir,
    database: { url: database.url },
    log: { level: 'info' },
    metering: { flushIntervalMs: 60_000 },
    mail: { smtpUrl: mail.url, from: 'Charter <no-reply@charter.test>' },
    publicUrl: 'http://charter.test',
    // PostgreSQL needs a configured master key (PRV-9); SQLite apps generate one in their data directory.
    security: dialect === 'postgres' ? { masterKeys: [{ id: 'test', key: randomBytes(32).toString('base64') }] } : undefined,
    ...options.config,
  });
  const app = await buildApp(config, { engines: [engine, ...(options.extraEngines ?? [])], logStream });
  const issued = await app.services.apiKeys.create(app.owner.id, {
    name: 'owner',
    scopes: { models: null, endpoints: ['chat.completions', 'completions', 'embeddings', 'models', 'moderations', 'api_keys'] },
  }, testActor);
  return {
    app,
    upstream,
    database,
    mail,
    logs: () => logText,
    ownerKey: issued.secret,
    async close() {
      await app.close(1000);
      await upstream.close();
      await mail.close();
      if (!options.database) await database.close();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

/** The actor of setup steps in tests. */
export const testActor = { userId: null, apiKeyId: null, requestId: null, via: 'system' as const };

export function bearer(key: string): Record<string, string> {
  return { authorization: `Bearer ${key}` };
}
