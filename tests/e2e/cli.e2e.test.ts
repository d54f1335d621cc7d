import { execFile } from 'node:child_process';
import { createServer } from 'node:net';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { migrations } from '@charter/storage';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { repositoryRoot, runCharter, testModelPath } from './start-charter.js';

const execFileAsync = promisify(execFile);

describe('the charter command line', () => {
  let dataDir: string;
  let env: NodeJS.ProcessEnv;
  beforeAll(async () => {
    dataDir = await mkdtemp(path.join(tmpdir(), 'charter-cli-'));
    env = { ...process.env, CHARTER_DATA_DIR: dataDir, CHARTER_MODEL: testModelPath };
  });
  afterAll(async () => {
    await rm(dataDir, { recursive: true, force: true });
  });

  it('OPS-4 migrate applies the migrations once and then reports the database is current', async () => {
    const first = JSON.parse(await runCharter(['migrate', '--json'], env)) as { applied: string[] };
    expect(first.applied).toEqual(Object.keys(migrations).sort());
    expect(first.applied.length).toBeGreaterThanOrEqual(3);
    const second = JSON.parse(await runCharter(['migrate', '--json'], env)) as { applied: string[] };
    expect(second.applied).toEqual([]);
  });

  it('API-4 keys create, list, rotate and revoke through the CLI, with the secret printed once', async () => {
    const created = JSON.parse(await runCharter(['keys', 'create', '--name', 'script', '--models', 'stories260K', '--endpoints', 'chat.completions,models', '--json'], env)) as Record<string, unknown>;
    expect(created).toMatchObject({ id: expect.stringMatching(/^key_/), key: expect.stringMatching(/^sk-ch-/), name: 'script', scopes: { models: ['stories260K'], endpoints: ['chat.completions', 'models'] } });
    const listed = JSON.parse(await runCharter(['keys', 'list', '--json'], env)) as { data: Array<Record<string, unknown>> };
    expect(listed.data.map((key) => key.id)).toContain(created.id);
    expect(JSON.stringify(listed)).not.toContain(created.key as string);
    const rotated = JSON.parse(await runCharter(['keys', 'rotate', created.id as string, '--json'], env)) as Record<string, unknown>;
    expect(rotated).toMatchObject({ rotated_from_id: created.id, name: 'script' });
    expect(rotated.key).not.toBe(created.key);
    const revoked = JSON.parse(await runCharter(['keys', 'revoke', rotated.id as string, '--json'], env)) as Record<string, unknown>;
    expect(revoked.revoked_at).not.toBeNull();
  });

  it("API-5 keys create and update take the key's own rate limits; an impossible one exits 1 naming it and changes nothing", async () => {
    const created = JSON.parse(await runCharter(['keys', 'create', '--name', 'throttled', '--rpm', '30', '--concurrency', '2', '--json'], env)) as Record<string, unknown>;
    expect(created).toMatchObject({ name: 'throttled', scopes: { rate_limits: { requests_per_minute: 30, requests_per_hour: null, tokens_per_minute: null, concurrent_requests: 2 } } });
    const plain = JSON.parse(await runCharter(['keys', 'create', '--name', 'plain', '--json'], env)) as Record<string, unknown>;
    expect(plain).toMatchObject({ scopes: { rate_limits: null } });

    const keyCount = async () => (JSON.parse(await runCharter(['keys', 'list', '--json'], env)) as { data: unknown[] }).data.length;
    const before = await keyCount();
    const runFailing = (args: string[]) =>
      execFileAsync(process.execPath, [path.join(repositoryRoot, 'bin/charter.mjs'), ...args], { env, cwd: repositoryRoot }).then(
        () => undefined,
        (error: { code: number; stderr: string }) => error,
      );
    const zero = await runFailing(['keys', 'create', '--name', 'x', '--tpm', '0']);
    expect(zero?.code).toBe(1);
    expect(zero?.stderr).toContain('scopes.rate_limits.tokens_per_minute');
    const notANumber = await runFailing(['keys', 'create', '--name', 'x', '--rpm', 'lots']);
    expect(notANumber?.code).toBe(1);
    expect(notANumber?.stderr).toContain('--rpm');
    expect(await keyCount()).toBe(before);

    const updated = JSON.parse(await runCharter(['keys', 'update', created.id as string, '--name', 'throttled more', '--rpm', 'none', '--tpm', '5000', '--json'], env)) as Record<string, unknown>;
    expect(updated).toMatchObject({ id: created.id, name: 'throttled more', scopes: { rate_limits: { requests_per_minute: null, requests_per_hour: null, tokens_per_minute: 5000, concurrent_requests: 2 } } });
    const badUpdate = await runFailing(['keys', 'update', created.id as string, '--concurrency', '0']);
    expect(badUpdate?.code).toBe(1);
    expect(badUpdate?.stderr).toContain('scopes.rate_limits.concurrent_requests');
    expect((await runFailing(['keys', 'update', created.id as string]))?.code).toBe(1);
    const cleared = JSON.parse(await runCharter(['keys', 'update', created.id as string, '--clear-limits', '--json'], env)) as Record<string, unknown>;
    expect(cleared).toMatchObject({ name: 'throttled more', scopes: { rate_limits: null } });

    // What the key may use: a list replaces the old one, all lifts the restriction; a wrong scope changes nothing.
    const narrowed = JSON.parse(await runCharter(['keys', 'update', created.id as string, '--models', 'stories260K', '--endpoints', 'chat.completions,models', '--json'], env)) as Record<string, unknown>;
    expect(narrowed).toMatchObject({ scopes: { models: ['stories260K'], endpoints: ['chat.completions', 'models'], rate_limits: null } });
    const badScope = await runFailing(['keys', 'update', created.id as string, '--endpoints', 'chat.completions,everything']);
    expect(badScope?.code).toBe(1);
    expect(badScope?.stderr).toContain('unknown endpoint scope "everything"');
    const widened = JSON.parse(await runCharter(['keys', 'update', created.id as string, '--models', 'all', '--json'], env)) as Record<string, unknown>;
    expect(widened).toMatchObject({ scopes: { models: null, endpoints: ['chat.completions', 'models'] } });
  });

  it('BIL-1 plans list, create and assign through the CLI on the local data directory', async () => {
    const listed = JSON.parse(await runCharter(['plans', 'list', '--json'], env)) as { data: Array<{ id: string }> };
    expect(listed.data.map((plan) => plan.id)).toEqual(expect.arrayContaining(['free', 'pay_as_you_go', 'monthly', 'annual', 'enterprise']));
    const file = path.join(dataDir, 'team-plan.json');
    await writeFile(
      file,
      JSON.stringify({
        id: 'team',
        name: 'Team',
        kind: 'monthly',
        limits: { requests_per_minute: 60, requests_per_hour: 1000, tokens_per_minute: 100000, concurrent_requests: null },
        quota: { period: 'month', unit: 'tokens', amount: 5000000, overage: 'bill' },
      }),
    );
    const created = JSON.parse(await runCharter(['plans', 'create', '--file', file, '--json'], env)) as Record<string, unknown>;
    expect(created).toMatchObject({ id: 'team', object: 'plan', kind: 'monthly', allowed_models: null, flags: { is_non_commercial_only: false } });
    const assigned = JSON.parse(await runCharter(['plans', 'assign', 'team', '--user', 'user_cli', '--time-zone', 'Europe/Berlin', '--json'], env)) as Record<string, unknown>;
    expect(assigned).toMatchObject({ plan_id: 'team', owner_type: 'user', owner_id: 'user_cli', billing_time_zone: 'Europe/Berlin' });
    const shown = JSON.parse(await runCharter(['plans', 'show', 'team', '--json'], env)) as { assignments: Array<{ owner_id: string }> };
    expect(shown.assignments.map((entry) => entry.owner_id)).toEqual(['user_cli']);
    const badZone = await execFileAsync(process.execPath, [path.join(repositoryRoot, 'bin/charter.mjs'), 'plans', 'assign', 'team', '--user', 'user_cli', '--time-zone', 'Berlin'], { env, cwd: repositoryRoot }).then(
      () => undefined,
      (error: { code: number; stderr: string }) => error,
    );
    expect(badZone?.code).toBe(1);
    expect(badZone?.stderr).toMatch(/time zone/i);
  });

  it('API-8 models lists the configured model', async () => {
    const models = JSON.parse(await runCharter(['models', '--json'], env)) as { data: Array<Record<string, unknown>> };
    expect(models.data).toEqual([{ name: 'stories260K', engine: 'embedded', source: testModelPath }]);
  });

  it('OPS-4 a bad configuration or argument exits 1 with a readable message', async () => {
    const file = path.join(dataDir, 'bad.json');
    await writeFile(file, JSON.stringify({ server: { port: 'eighty' } }));
    const failure = await execFileAsync(process.execPath, [path.join(repositoryRoot, 'bin/charter.mjs'), 'keys', 'list'], { env: { ...env, CHARTER_CONFIG: file }, cwd: repositoryRoot }).then(
      () => undefined,
      (error: { code: number; stderr: string }) => error,
    );
    expect(failure?.code).toBe(1);
    expect(failure?.stderr).toContain('server.port');
    const badEndpoint = await execFileAsync(process.execPath, [path.join(repositoryRoot, 'bin/charter.mjs'), 'keys', 'create', '--name', 'x', '--endpoints', 'nope'], { env, cwd: repositoryRoot }).then(
      () => undefined,
      (error: { code: number; stderr: string }) => error,
    );
    expect(badEndpoint?.code).toBe(1);
    const unknownKey = await execFileAsync(process.execPath, [path.join(repositoryRoot, 'bin/charter.mjs'), 'keys', 'revoke', 'key_missing'], { env, cwd: repositoryRoot }).then(
      () => undefined,
      (error: { code: number; stderr: string }) => error,
    );
    expect(unknownKey?.stderr).toContain('API key not found');
  });

  it('OPS-1 serve on a port already in use exits 1 with the reason instead of hanging', async () => {
    const taken = createServer();
    await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve));
    const port = (taken.address() as { port: number }).port;
    try {
      const failure = await execFileAsync(process.execPath, [path.join(repositoryRoot, 'bin/charter.mjs'), 'serve', '--host', '127.0.0.1', '--port', String(port)], { env: { ...env, CHARTER_THREADS: '1' }, cwd: repositoryRoot, timeout: 60_000 }).then(
        () => undefined,
        (error: { code: number | null; killed?: boolean; stderr: string }) => error,
      );
      expect(failure?.killed).not.toBe(true);
      expect(failure?.code).toBe(1);
      expect(failure?.stderr).toContain('EADDRINUSE');
    } finally {
      taken.close();
    }
  }, 90_000);
});
