#!/usr/bin/env node
// The floor for any Node.js gateway on this host: a bare pass-through proxy with nothing of Charter in it (no
// auth, no parsing, no metering, no logging), using the same HTTP stack as Charter (node:http in front, an undici
// pool to the upstream). Whatever it adds is the cost of one more process hop here, not of Charter.
//
//   node bench/pass-through-proxy.mjs --upstream http://127.0.0.1:18080 --port 18090 [--ttl S]
//
// Listens on 127.0.0.1 only; exits by itself after --ttl seconds (default 900) or on SIGTERM/SIGINT.

import http from 'node:http';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
// undici as Charter's upstream engine resolves it (it is that package's dependency, not the root's)
const undiciPath = createRequire(path.join(ROOT, 'packages/engine-openai-compatible/package.json')).resolve('undici');
const { Pool } = await import(pathToFileURL(undiciPath).href);

const arg = (name, fallback) => {
  const i = process.argv.indexOf(`--${name}`);
  return i === -1 ? fallback : process.argv[i + 1];
};
const upstream = new URL(arg('upstream', 'http://127.0.0.1:18080'));
const port = Number(arg('port', '18090'));
const ttlS = Number(arg('ttl', '900'));
if (!['127.0.0.1', 'localhost', '[::1]'].includes(upstream.hostname)) throw new Error('--upstream must be on the loopback interface');

const pool = new Pool(upstream.origin, { connections: 256 });

const server = http.createServer((req, res) => {
  const parts = [];
  req.on('data', (part) => parts.push(part));
  req.on('end', async () => {
    try {
      const answer = await pool.request({
        path: req.url,
        method: req.method,
        headers: { 'content-type': req.headers['content-type'] ?? 'application/json' },
        body: parts.length ? Buffer.concat(parts) : undefined,
      });
      res.writeHead(answer.statusCode, { 'content-type': answer.headers['content-type'] ?? 'application/json' });
      for await (const chunk of answer.body) res.write(chunk);
      res.end();
    } catch (error) {
      if (!res.headersSent) res.writeHead(502, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ error: { message: String(error), type: 'upstream_error' } }));
    }
  });
});
server.keepAliveTimeout = 65_000;
server.listen(port, '127.0.0.1', () => process.stderr.write(`pass-through proxy on 127.0.0.1:${port} -> ${upstream.origin}\n`));

const stop = () => {
  server.close();
  server.closeAllConnections();
  void pool.close().finally(() => process.exit(0));
};
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
setTimeout(stop, ttlS * 1000).unref();
