import { createReadStream } from 'node:fs';
import { copyFile, mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { resolveModelFile } from 'node-llama-cpp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ModelSourceError, resolveModelSource } from './model-source.js';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const modelPath = process.env.CHARTER_TEST_MODEL ?? path.resolve(repoRoot, '../shared/models/stories260K.gguf');
// A port nothing listens on: connections are refused at once, like a host that is down.
const unreachableEndpoint = 'https://127.0.0.1:1/';

async function errorOf(run: () => Promise<unknown>): Promise<Error> {
  try {
    await run();
  } catch (error) {
    expect(error).toBeInstanceOf(ModelSourceError);
    return error as Error;
  }
  throw new Error('expected a ModelSourceError');
}

/** Serves one file (or 404 when `filePath` is undefined) with HEAD and Range support, as a model host does. */
async function serveFile(filePath: string | undefined): Promise<{ url: string; requests: () => number; close: () => Promise<void> }> {
  const size = filePath === undefined ? 0 : (await stat(filePath)).size;
  let requests = 0;
  const server = http.createServer((request, response) => {
    requests += 1;
    if (filePath === undefined) {
      response.writeHead(404, { 'content-type': 'text/plain' }).end('Not Found');
      return;
    }
    const range = /^bytes=(\d+)-(\d*)$/.exec(request.headers.range ?? '');
    const start = range ? Number(range[1]) : 0;
    const end = range && range[2] !== '' ? Number(range[2]) : size - 1;
    response.writeHead(range ? 206 : 200, {
      'content-type': 'application/octet-stream',
      'content-length': String(end - start + 1),
      'accept-ranges': 'bytes',
      ...(range ? { 'content-range': `bytes ${start}-${end}/${size}` } : {}),
    });
    if (request.method === 'HEAD') response.end();
    else createReadStream(filePath, { start, end }).pipe(response);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/models/tiny.gguf?token=secret`,
    requests: () => requests,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

describe('resolveModelSource', () => {
  let cacheDir: string;

  beforeAll(async () => {
    cacheDir = await mkdtemp(path.join(os.tmpdir(), 'charter-models-'));
  });

  afterAll(async () => {
    await rm(cacheDir, { recursive: true, force: true });
  });

  it('API-7 an existing GGUF path resolves to itself, also as a relative path or file: URL', async () => {
    expect(await resolveModelSource(modelPath, { cacheDir })).toBe(modelPath);
    expect(await resolveModelSource(path.relative(process.cwd(), modelPath), { cacheDir })).toBe(modelPath);
    expect(await resolveModelSource(pathToFileURL(modelPath).href, { cacheDir })).toBe(modelPath);
  });

  it('API-7 a missing file or a file that is not GGUF fails with a clear message', async () => {
    const missing = path.join(cacheDir, 'nowhere.gguf');
    const missingError = await errorOf(() => resolveModelSource(missing, { cacheDir }));
    expect(missingError.message).toBe(`Model file not found: ${missing}. Put the GGUF file on disk and set CHARTER_MODEL to its path.`);
    const notGguf = path.join(cacheDir, 'notes.txt');
    await writeFile(notGguf, 'hello');
    expect((await errorOf(() => resolveModelSource(notGguf, { cacheDir }))).message).toContain('not in GGUF format');
    expect((await errorOf(() => resolveModelSource(cacheDir, { cacheDir, remedy: 'Fix it.' }))).message).toBe(`Model path is not a file: ${cacheDir}. Fix it.`);
  });

  it('API-7 an unreachable URL fails fast with an actionable message', { timeout: 15_000 }, async () => {
    const startedAt = performance.now();
    const error = await errorOf(() => resolveModelSource('https://127.0.0.1:1/x.gguf', { cacheDir, connectTimeoutMs: 3_000, stallTimeoutMs: 5_000 }));
    expect(performance.now() - startedAt).toBeLessThan(10_000);
    expect(error.message).toMatch(/^Could not download the model from https:\/\/127\.0\.0\.1:1\/x\.gguf: network unreachable \(.+\)\. Put the GGUF file on disk and set CHARTER_MODEL to its path\.$/);
  });

  it('API-7 an hf: URI that cannot be reached fails fast with an actionable message', { timeout: 15_000 }, async () => {
    for (const options of [{}, { huggingFaceEndpoint: unreachableEndpoint }]) {
      const error = await errorOf(() => resolveModelSource('hf:nobody-charter/nothing-here/model.gguf', { cacheDir, connectTimeoutMs: 3_000, stallTimeoutMs: 5_000, ...options }));
      expect(error.message).toMatch(/^Could not download the model from hf:nobody-charter\/nothing-here\/model\.gguf: .+\. Put the GGUF file on disk/);
    }
  });

  it('API-7 a cached hf: model resolves without any network access', async () => {
    const source = 'hf:charter-test/tiny-stories/stories260K.gguf';
    // node-llama-cpp names the cache file; ask it where it would look, then put the model there.
    const lookup = await resolveModelFile(source, { directory: cacheDir, download: false, cli: false }).catch((error: Error) => error.message);
    const expectedPath = /"([^"]+)"/.exec(String(lookup))?.[1];
    expect(expectedPath).toBeDefined();
    await copyFile(modelPath, expectedPath!);
    expect(await resolveModelSource(source, { cacheDir, huggingFaceEndpoint: unreachableEndpoint })).toBe(expectedPath);
  });

  it('API-7 downloads a URL into the cache with progress, then reuses it without the network', { timeout: 30_000 }, async () => {
    const server = await serveFile(modelPath);
    const progress: Array<[number, number | undefined]> = [];
    let downloaded: string;
    try {
      downloaded = await resolveModelSource(server.url, { cacheDir, onProgress: (bytes, total) => progress.push([bytes, total]) });
    } finally {
      await server.close();
    }
    const size = (await stat(modelPath)).size;
    expect(path.dirname(downloaded)).toBe(cacheDir);
    expect((await stat(downloaded)).size).toBe(size);
    expect(progress.length).toBeGreaterThan(0);
    expect(progress.at(-1)).toEqual([size, size]);
    expect(server.requests()).toBeGreaterThan(0);

    // The server is gone: a second resolution must come from the cache and report no progress.
    const again: Array<[number, number | undefined]> = [];
    expect(await resolveModelSource(server.url, { cacheDir, onProgress: (bytes, total) => again.push([bytes, total]) })).toBe(downloaded);
    expect(again).toEqual([]);
  });

  it('API-7 a missing remote file fails with a message that names the source without its query string', { timeout: 30_000 }, async () => {
    const server = await serveFile(undefined);
    try {
      const error = await errorOf(() => resolveModelSource(server.url.replace('tiny', 'other'), { cacheDir, stallTimeoutMs: 5_000 }));
      expect(error.message).toMatch(/^Could not download the model from http:\/\/127\.0\.0\.1:\d+\/models\/other\.gguf: /);
      expect(error.message).not.toContain('secret');
    } finally {
      await server.close();
    }
  });
});
