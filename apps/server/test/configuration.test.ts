import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startFakeUpstream, type FakeUpstream } from '@charter/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { buildApp, type CharterApp } from '../src/app.js';
import { ConfigError, configSchema, loadConfig, modelNameFromSource } from '../src/config.js';
import { bearer, testActor } from './build-test-app.js';

describe('configuration', () => {
  const cleanups: Array<() => Promise<unknown>> = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  async function dataDir(): Promise<string> {
    const directory = await mkdtemp(join(tmpdir(), 'charter-config-'));
    cleanups.push(() => rm(directory, { recursive: true, force: true }));
    return directory;
  }

  async function start(config: Record<string, unknown>): Promise<{ app: CharterApp; key: string }> {
    const app = await buildApp(configSchema.parse({ log: { level: 'silent' }, ...config }));
    cleanups.push(() => app.close(500));
    const issued = await app.services.apiKeys.create(app.owner.id, { name: 'test' }, testActor);
    return { app, key: issued.secret };
  }

  it('OPS-4 reads the environment and a JSON file, and lists every problem readably', async () => {
    const directory = await dataDir();
    const file = join(directory, 'charter.json');
    await writeFile(file, JSON.stringify({ server: { port: 9999 }, upstreams: [{ id: 'bad id!', baseUrl: 'not a url', models: [] }] }));
    let error: unknown;
    try {
      loadConfig({ CHARTER_CONFIG: file, CHARTER_PORT: 'eighty' });
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const message = (error as Error).message;
    expect(message).toContain(file);
    expect(message).toContain('server.port');
    expect(message).toContain('upstreams.0.id');
    expect(message).toContain('upstreams.0.baseUrl');
    expect(message).toContain('upstreams.0.models');

    await writeFile(file, JSON.stringify({ server: { port: 9999, shutdownGraceMs: 5 } }));
    const config = loadConfig({ CHARTER_CONFIG: file, CHARTER_PORT: '7000', CHARTER_DATA_DIR: directory, CHARTER_MODEL: 'hf:org/repo/Some-Model.Q4_K_M.gguf', DATABASE_URL: 'postgres://x@127.0.0.1/db' });
    expect(config.server).toMatchObject({ port: 7000, shutdownGraceMs: 5, host: '127.0.0.1' });
    expect(config.embedded.models).toEqual([expect.objectContaining({ name: 'Some-Model.Q4_K_M', source: 'hf:org/repo/Some-Model.Q4_K_M.gguf' })]);
    expect(config.database.url).toBe('postgres://x@127.0.0.1/db');
    expect(() => loadConfig({ CHARTER_CONFIG: join(directory, 'missing.json') })).toThrow(/file not found/);
    await writeFile(file, '{ not json');
    expect(() => loadConfig({ CHARTER_CONFIG: file })).toThrow(/not valid JSON/);
  });

  it('OPS-4 derives model names from paths, hf: URIs and URLs', () => {
    expect(modelNameFromSource('../shared/models/stories260K.gguf')).toBe('stories260K');
    expect(modelNameFromSource('https://example.com/m/Qwen3-0.6B-Q8_0.gguf?download=true')).toBe('Qwen3-0.6B-Q8_0');
    expect(modelNameFromSource('hf:unsloth/Qwen3-0.6B-GGUF:Q4_K_M')).toBe('Qwen3-0.6B-GGUF:Q4_K_M');
  });

  it('OPS-1 starts with no model at all: keys and docs work, and /v1/models says why it is empty', async () => {
    const { app, key } = await start({ dataDir: await dataDir() });
    const models = await app.fastify.inject({ method: 'GET', url: '/v1/models', headers: bearer(key) });
    expect(models.statusCode).toBe(200);
    expect(models.json()).toEqual({ object: 'list', data: [], message: expect.stringContaining('CHARTER_MODEL') });
    const chat = await app.fastify.inject({ method: 'POST', url: '/v1/chat/completions', headers: bearer(key), payload: { model: 'anything', messages: [{ role: 'user', content: 'x' }] } });
    expect(chat.statusCode).toBe(404);
    expect((await app.fastify.inject({ method: 'GET', url: '/readyz' })).statusCode).toBe(200);
    expect((await app.fastify.inject({ method: 'GET', url: '/openapi.json' })).statusCode).toBe(200);
  });

  it('API-7 routes one public model over weighted upstreams and falls back when one is down', async () => {
    const healthy: FakeUpstream = await startFakeUpstream({ models: ['served'] });
    const down: FakeUpstream = await startFakeUpstream({ models: ['served'] });
    cleanups.push(() => healthy.close());
    const downUrl = down.url;
    await down.close();
    const upstream = (id: string, baseUrl: string) => ({ id, baseUrl, maxRetries: 0, healthCheck: false, models: [{ name: 'served', contextWindow: 4096 }] });
    const { app, key } = await start({
      dataDir: await dataDir(),
      upstreams: [upstream('primary', downUrl), upstream('secondary', healthy.url)],
      routes: [{ model: 'public-name', contextWindow: 2048, targets: [{ engine: 'primary', model: 'served', weight: 100 }, { engine: 'secondary', model: 'served', weight: 1 }] }],
    });
    const models = (await app.fastify.inject({ method: 'GET', url: '/v1/models', headers: bearer(key) })).json();
    expect(models.data).toEqual([expect.objectContaining({ id: 'public-name', context_window: 2048 })]);
    for (let index = 0; index < 4; index++) {
      const response = await app.fastify.inject({ method: 'POST', url: '/v1/chat/completions', headers: bearer(key), payload: { model: 'public-name', messages: [{ role: 'user', content: 'hi' }] } });
      expect(response.statusCode).toBe(200);
    }
    const served = healthy.requests.filter((request) => request.path === '/v1/chat/completions');
    expect(served).toHaveLength(4);
    expect((served[0]!.body as { model: string }).model).toBe('served');
    await app.services.metering.flush();
    const rows = await app.services.metering.listByUser({ userId: app.owner.id, from: new Date(0), to: new Date(Date.now() + 1000) });
    expect(rows.every((row) => row.engineId === 'secondary' && row.status === 'succeeded')).toBe(true);
  });

  it('OPS-4 refuses routes that name unknown engines or models', async () => {
    const directory = await dataDir();
    await expect(
      buildApp(configSchema.parse({ dataDir: directory, log: { level: 'silent' }, routes: [{ model: 'x', targets: [{ engine: 'nowhere' }] }] })),
    ).rejects.toThrow(/engine "nowhere"/);
  });
});
