import { execFile, spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { composeEmail } from '@charter/core';
import { OutboxMailer } from '@charter/mailer-smtp';
import { createTestDatabase, testDialects, type TestDatabase } from '@charter/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../../apps/server/test/build-test-app.js';
import { TestBrowser } from '../../apps/server/test/browser-client.js';
import { repositoryRoot, runCharter } from './start-charter.js';

const execFileAsync = promisify(execFile);
const charterBin = path.join(repositoryRoot, 'bin/charter.mjs');

/** Run `charter` with text on standard input (`--password-stdin`). */
function runCharterWithInput(args: string[], env: NodeJS.ProcessEnv, input: string): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [charterBin, ...args], { env, cwd: repositoryRoot, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
    child.stdin.end(input);
  });
}

describe.each(testDialects)('charter admin create on %s', (dialect) => {
  let database: TestDatabase;
  let dataDir: string;
  let env: NodeJS.ProcessEnv;
  let server: TestApp;
  beforeAll(async () => {
    database = await createTestDatabase(dialect);
    dataDir = await mkdtemp(path.join(tmpdir(), 'charter-staff-cli-'));
    env = { ...process.env, CHARTER_DATA_DIR: dataDir, DATABASE_URL: database.url, CHARTER_PUBLIC_URL: 'https://charter.example' };
    server = await startTestApp(dialect, { database });
  });
  afterAll(async () => {
    await server?.close();
    await database?.close();
    await rm(dataDir, { recursive: true, force: true });
  });

  it('ADM-6 creates the first superadmin with a verified email and a single-use password-set link', async () => {
    const email = `Operator-${dialect}@Example.com`;
    const created = JSON.parse(await runCharter(['admin', 'create', '--email', email, '--role', 'superadmin', '--json'], env)) as { id: string; email: string; role: string; password_set_url: string };
    expect(created).toMatchObject({ id: expect.stringMatching(/^user_/), email: email.toLowerCase(), role: 'superadmin', password_set_url: expect.stringMatching(/^https:\/\/charter\.example\/reset-password#token=/) });
    const row = await database.db.selectFrom('users').selectAll().where('id', '=', created.id).executeTakeFirstOrThrow();
    expect(row).toMatchObject({ staff_role: 'superadmin', password_hash: null, role: 'member' });
    expect(row.email_verified_at).not.toBeNull();
    const audit = await database.db.selectFrom('audit_events').selectAll().where('action', '=', 'staff.created').where('target_id', '=', created.id).executeTakeFirstOrThrow();
    expect(audit.actor_via).toBe('cli');

    // No usable password until the link is used; the link works once.
    const browser = new TestBrowser(server.app.fastify);
    expect((await browser.post('/api/v1/auth/sign-in', { email, password: 'anything-at-all-123' })).statusCode).toBe(401);
    const token = decodeURIComponent(created.password_set_url.split('#token=')[1]!);
    const set = await browser.post('/api/v1/auth/password-reset/confirm', { token, password: 'operator-basalt-winter-kite' });
    expect(set.statusCode, set.body).toBe(200);
    expect((await browser.post('/api/v1/auth/password-reset/confirm', { token, password: 'operator-other-password-7' })).json().error.code).toBe('invalid_token');
    expect((await browser.post('/api/v1/auth/sign-in', { email, password: 'operator-basalt-winter-kite' })).statusCode).toBe(200);
    expect((await browser.get(`/api/v1/admin/users/${created.id}`)).statusCode).toBe(200);
    expect((await browser.get('/api/v1/admin/plans')).statusCode).toBe(200);

    const again = await execFileAsync(process.execPath, [charterBin, 'admin', 'create', '--email', email, '--role', 'support'], { env, cwd: repositoryRoot }).then(
      () => undefined,
      (error: { code: number; stderr: string }) => error,
    );
    expect(again?.code).toBe(1);
    expect(again?.stderr).toContain('already exists');
  });

  it('ADM-6 --password-stdin sets the password directly; weak passwords and unknown roles are refused', async () => {
    const email = `support-${dialect}@example.com`;
    const weak = await runCharterWithInput(['admin', 'create', '--email', email, '--role', 'support', '--password-stdin'], env, 'password123\n');
    expect(weak.code).toBe(1);
    expect(await database.db.selectFrom('users').select('id').where('email', '=', email).executeTakeFirst()).toBeUndefined();
    const badRole = await runCharterWithInput(['admin', 'create', '--email', email, '--role', 'king', '--password-stdin'], env, 'x');
    expect(badRole.code).toBe(1);
    expect(badRole.stderr).toContain('superadmin');
    const created = await runCharterWithInput(['admin', 'create', '--email', email, '--role', 'support', '--password-stdin', '--json'], env, 'support-granite-orchard-lamp\n');
    expect(created.code, created.stderr).toBe(0);
    expect(JSON.parse(created.stdout)).toMatchObject({ role: 'support', password_set_url: null });
    const browser = new TestBrowser(server.app.fastify);
    expect((await browser.post('/api/v1/auth/sign-in', { email, password: 'support-granite-orchard-lamp' })).statusCode).toBe(200);
    // Support may read accounts but not change their state.
    const target = await database.db.selectFrom('users').select('id').where('email', '=', `operator-${dialect}@example.com`).executeTakeFirstOrThrow();
    expect((await browser.get(`/api/v1/admin/users/${target.id}`)).statusCode).toBe(200);
    expect((await browser.post(`/api/v1/admin/users/${target.id}/status`, { status: 'suspended', reason: 'test' })).statusCode).toBe(403);
  });
});

describe('charter outbox', () => {
  let dataDir: string;
  let env: NodeJS.ProcessEnv;
  beforeAll(async () => {
    dataDir = await mkdtemp(path.join(tmpdir(), 'charter-outbox-cli-'));
    env = { ...process.env, CHARTER_DATA_DIR: dataDir };
  });
  afterAll(async () => {
    await rm(dataDir, { recursive: true, force: true });
  });

  it('ACC-1 lists the development outbox and prints a message with its link whole', async () => {
    expect(JSON.parse(await runCharter(['outbox', '--json'], env))).toMatchObject({ object: 'list', data: [] });
    const token = 'T'.repeat(40) + 'ok_-end';
    const link = `http://127.0.0.1:8080/verify-email#token=${token}`;
    const mailer = new OutboxMailer({ directory: path.join(dataDir, 'outbox'), from: 'Charter <no-reply@localhost>' });
    await mailer.send(composeEmail({ to: 'newcomer@example.com', subject: 'Verify your email address', paragraphs: ['Welcome — confirm that this address is yours.'], action: { label: 'Verify email address', url: link } }));
    const listed = JSON.parse(await runCharter(['outbox', '--json'], env)) as { data: Array<{ file: string; to: string; subject: string }> };
    expect(listed.data).toEqual([expect.objectContaining({ to: 'newcomer@example.com', subject: 'Verify your email address' })]);
    const file = listed.data[0]!.file;
    expect(await runCharter(['outbox'], env)).toContain(`${file}  newcomer@example.com  Verify your email address`);
    const shown = await runCharter(['outbox', 'show', file], env);
    expect(shown).toContain('Subject: Verify your email address');
    expect(shown).toContain(`Verify email address: ${link}`);
    expect(shown).toContain('Welcome — confirm');
    const outside = await execFileAsync(process.execPath, [charterBin, 'outbox', 'show', '../charter.sqlite'], { env, cwd: repositoryRoot }).then(
      () => undefined,
      (error: { code: number; stderr: string }) => error,
    );
    expect(outside?.code).toBe(1);
    expect(outside?.stderr).toContain('a .eml file');
  });
});
