import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';

/** Where `npm run build:web` puts the web app, relative to this file (apps/server/src/plugins). */
export const defaultWebAppDirectory = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../web/dist');

/**
 * Strict Content Security Policy for the web app (issue: no HTML injection): scripts and styles only from this
 * origin, no inline script, no plugins, no framing, no base-URI tricks; images only from here or data URLs.
 */
export const webAppContentSecurityPolicy = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "font-src 'self' data:",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

/** Prefixes that belong to the API and operations, never to the app's client-side routes. */
const serverPrefixes = ['/v1/', '/api/', '/docs', '/openapi.json', '/healthz', '/readyz', '/metrics', '/assets/'];

function setSecurityHeaders(reply: FastifyReply, isSecure: boolean): void {
  void reply.header('content-security-policy', webAppContentSecurityPolicy);
  void reply.header('x-content-type-options', 'nosniff');
  void reply.header('referrer-policy', 'no-referrer');
  void reply.header('x-frame-options', 'DENY');
  void reply.header('cross-origin-opener-policy', 'same-origin');
  void reply.header('permissions-policy', 'camera=(), microphone=(), geolocation=()');
  if (isSecure) void reply.header('strict-transport-security', 'max-age=31536000; includeSubDomains');
}

/** Whether a request that matched no route is the browser asking for one of the app's pages. */
export function isAppPageRequest(request: FastifyRequest): boolean {
  if (request.method !== 'GET' && request.method !== 'HEAD') return false;
  const pathname = request.url.split('?')[0] ?? '/';
  if (serverPrefixes.some((prefix) => pathname === prefix.replace(/\/$/, '') || pathname.startsWith(prefix))) return false;
  return (request.headers.accept ?? '').includes('text/html');
}

/**
 * Serve the built web app at `/` from the same process (WEB issue): static assets with long caching, and
 * `index.html` for every client-side route. Returns a not-found handler for app pages, or undefined when the
 * app is not built (the API works without it).
 */
export async function registerWebApp(app: FastifyInstance, options: { directory: string }): Promise<((request: FastifyRequest, reply: FastifyReply) => FastifyReply) | undefined> {
  if (!existsSync(path.join(options.directory, 'index.html'))) return undefined;
  await app.register(fastifyStatic, {
    root: options.directory,
    prefix: '/',
    wildcard: false,
    index: false,
    cacheControl: false,
    setHeaders: (response, filePath) => {
      // Hashed asset names never change content; index.html must always be revalidated.
      response.setHeader('cache-control', filePath.includes(`${path.sep}assets${path.sep}`) ? 'public, max-age=31536000, immutable' : 'no-cache');
      response.setHeader('x-content-type-options', 'nosniff');
    },
  });
  app.get('/', { schema: { hide: true } }, (request, reply) => {
    setSecurityHeaders(reply, request.protocol === 'https');
    return reply.header('cache-control', 'no-cache').sendFile('index.html');
  });
  return (request, reply) => {
    setSecurityHeaders(reply, request.protocol === 'https');
    return reply.header('cache-control', 'no-cache').sendFile('index.html');
  };
}
