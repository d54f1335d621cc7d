import type { FastifyInstance, FastifyRequest } from 'fastify';

declare module 'fastify' {
  interface FastifyInstance {
    /** Lower-cased name of the trusted proxy's country header (ACC-2), or null when none is configured. */
    clientCountryHeader: string | null;
  }
}

/**
 * Honour a proxy's country header (`CF-IPCountry`, `X-Country-Code`) only when the operator names it: anyone
 * can send such a header, so it means something only behind a proxy that overwrites it. Read on demand by the
 * routes that check eligibility (registration, sign-in), never on the API-key path.
 */
export function registerClientCountryHeader(app: FastifyInstance, headerName: string | undefined): void {
  app.decorate('clientCountryHeader', headerName?.toLowerCase() ?? null);
}

/** The ISO country the trusted proxy reported for this request, or null (none configured, missing, or not a country code). */
export function proxyCountryOf(request: FastifyRequest): string | null {
  const name = request.server.clientCountryHeader;
  if (!name) return null;
  const value = request.headers[name];
  const text = (Array.isArray(value) ? value[0] : value)?.trim();
  return text && /^[A-Za-z]{2}$/.test(text) ? text.toUpperCase() : null;
}
