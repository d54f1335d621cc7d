import { randomBytes } from 'node:crypto';
import { chmod, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Logger } from '@charter/core';
import { createTestDatabase } from '@charter/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { buildApp } from '../src/app.js';
import { ConfigError, configSchema, loadConfig } from '../src/config.js';
import { createContentCipher, generatedMasterKeyPath } from '../src/master-keys.js';

/** A logger that keeps what it was told, to check what an operator would read. */
function recordingLogger(): Logger & { lines: Array<{ fields: unknown; message: string | undefined }> } {
  const lines: Array<{ fields: unknown; message: string | undefined }> = [];
  const record = (fields: unknown, message?: string) => void lines.push({ fields, message });
  return { lines, info: record, warn: record, error: record, debug: record } as unknown as Logger & { lines: typeof lines };
}

const base64Key = () => randomBytes(32).toString('base64');

describe('master keys (encryption at rest)', () => {
  const cleanups: Array<() => Promise<unknown>> = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });
  async function dataDir(): Promise<string> {
    const directory = await mkdtemp(join(tmpdir(), 'charter-keys-'));
    cleanups.push(() => rm(directory, { recursive: true, force: true }));
    return directory;
  }

  it('PRV-9 the embedded default generates <data dir>/master.key (0600) at first start, says where, and reuses it', async () => {
    const config = configSchema.parse({ dataDir: await dataDir() });
    const logger = recordingLogger();
    const first = createContentCipher(config, 'sqlite', logger);
    const path = generatedMasterKeyPath(config);
    expect((await stat(path)).mode & 0o777).toBe(0o600);
    expect(await readFile(path, 'utf8')).toMatch(/^# Charter master key[\s\S]*\nlocal-[0-9a-f]{8}:[A-Za-z0-9+/]{43}=\n$/);
    expect(logger.lines).toEqual([expect.objectContaining({ fields: expect.objectContaining({ path }), message: expect.stringContaining('generated a master key') })]);
    const sealed = await first.encrypt('secret', 'ad');
    // The next start reads the same key: what the first sealed, the second opens.
    const second = createContentCipher(config, 'sqlite', recordingLogger());
    expect(await second.decrypt(sealed, 'ad')).toBe('secret');
    expect(second.needsReencryption(sealed)).toBe(false);
  });

  it('PRV-9 PostgreSQL without a configured master key refuses to start, saying how to fix it', async () => {
    const config = configSchema.parse({ dataDir: await dataDir() });
    expect(() => createContentCipher(config, 'postgres', recordingLogger())).toThrow(ConfigError);
    expect(() => createContentCipher(config, 'postgres', recordingLogger())).toThrow(/CHARTER_MASTER_KEY=<id>:<key>[\s\S]*openssl rand -base64 32|openssl rand -base64 32[\s\S]*CHARTER_MASTER_KEY/);
    const database = await createTestDatabase('postgres');
    cleanups.push(() => database.close());
    await expect(buildApp(configSchema.parse({ dataDir: config.dataDir, database: { url: database.url }, log: { level: 'silent' } }))).rejects.toThrow(/PostgreSQL needs a configured master key/);
    // Nothing was generated on the node's disk.
    await expect(stat(generatedMasterKeyPath(config))).rejects.toThrow();
  });

  it('PRV-9 reads CHARTER_MASTER_KEY (id:base64, first is current) and rotates: new values sealed with the new key, old ones still open', async () => {
    const directory = await dataDir();
    const oldKey = base64Key();
    const before = createContentCipher(loadConfig({ CHARTER_DATA_DIR: directory, CHARTER_MASTER_KEY: `k1:${oldKey}` }), 'postgres', recordingLogger());
    const sealedBefore = await before.encrypt('totp secret', 'two_factor_credentials.secret:user_1');
    expect(sealedBefore.split('.')[1]).toBe('k1');

    const rotatedConfig = loadConfig({ CHARTER_DATA_DIR: directory, CHARTER_MASTER_KEY: `k2:${base64Key()}, k1:${oldKey}` });
    expect(rotatedConfig.security.masterKeys.map((key) => key.id)).toEqual(['k2', 'k1']);
    const rotated = createContentCipher(rotatedConfig, 'postgres', recordingLogger());
    expect(await rotated.decrypt(sealedBefore, 'two_factor_credentials.secret:user_1')).toBe('totp secret');
    expect(rotated.needsReencryption(sealedBefore)).toBe(true);
    expect((await rotated.encrypt('x', 'ad')).split('.')[1]).toBe('k2');
    // Nothing is generated when keys are configured.
    await expect(stat(join(directory, 'master.key'))).rejects.toThrow();
  });

  it('PRV-9 rejects malformed master keys with readable configuration errors', () => {
    const messageOf = (env: Record<string, string>) => {
      try {
        loadConfig({ CHARTER_DATA_DIR: '/nonexistent', ...env });
        return '';
      } catch (error) {
        expect(error).toBeInstanceOf(ConfigError);
        return (error as Error).message;
      }
    };
    expect(messageOf({ CHARTER_MASTER_KEY: `k1:${randomBytes(16).toString('base64')}` })).toContain('security.masterKeys.0.key: Must be base64 of exactly 32 bytes');
    expect(messageOf({ CHARTER_MASTER_KEY: 'k1:not base64 at all!' })).toContain('exactly 32 bytes');
    expect(messageOf({ CHARTER_MASTER_KEY: `bad.id:${base64Key()}` })).toContain('security.masterKeys.0.id');
    expect(() => configSchema.parse({ security: { masterKeys: [{ id: 'a', key: base64Key() }], currentMasterKeyId: 'b' } })).toThrow(/currentMasterKeyId/);
  });

  it('PRV-9 a key file (e.g. a mounted secret) works when private, and values sealed with the generated key stay readable after keys are configured', async () => {
    const directory = await dataDir();
    const generated = createContentCipher(configSchema.parse({ dataDir: directory }), 'sqlite', recordingLogger());
    const sealed = await generated.encrypt('from the embedded default', 'ad');

    const keyFile = join(directory, 'mounted.key');
    await writeFile(keyFile, `# rotated 2026-11\nprod-2:${base64Key()}\n`, { mode: 0o644 });
    const config = configSchema.parse({ dataDir: directory, security: { masterKeyFile: keyFile } });
    expect(() => createContentCipher(config, 'sqlite', recordingLogger())).toThrow(/chmod 600/);
    // Owner-only, as a mounted secret is.
    await chmod(keyFile, 0o600);
    const configured = createContentCipher(config, 'sqlite', recordingLogger());
    expect(await configured.decrypt(sealed, 'ad')).toBe('from the embedded default');
    expect((await configured.encrypt('new', 'ad')).split('.')[1]).toBe('prod-2');
    expect(() => createContentCipher(configSchema.parse({ dataDir: directory, security: { masterKeyFile: join(directory, 'missing.key') } }), 'sqlite', recordingLogger())).toThrow(/file not found/);
  });
});
