import { type ActingMember, assertActingPermission, type OrganizationAccess } from '@charter/core';
import type { FastifyRequest } from 'fastify';

declare module 'fastify' {
  interface FastifyRequest {
    /** The member behind a request that acts for an organisation (ACC-7); null for personal requests. */
    actingMember: ActingMember | null;
  }
}

/**
 * Headers that name the organisation a session acts for: the one the OpenAI SDKs send
 * (`OpenAI-Organization`, from `organization` / `OPENAI_ORG_ID`) and our own.
 */
export const organizationHeaders = ['openai-organization', 'x-charter-organization'] as const;

/** The organisation a request names in a header, if any. */
export function requestedOrganizationOf(request: FastifyRequest): string | undefined {
  for (const name of organizationHeaders) {
    const value = request.headers[name];
    const text = (Array.isArray(value) ? value[0] : value)?.trim();
    if (text) return text;
  }
  return undefined;
}

/**
 * The `actingFor` step of authentication: resolves the organisation a request acts for against the database
 * (every request, no cache), puts the member on the request and the organisation on the principal, so
 * metering, limits and usage count against the organisation. Calling the models needs `models.use`.
 */
export function createActingFor(access: OrganizationAccess): (request: FastifyRequest) => Promise<void> {
  return async (request) => {
    const resolved = await access.resolve(request.principal, requestedOrganizationOf(request));
    request.principal = resolved.principal;
    request.actingMember = resolved.member;
    if (request.url.startsWith('/v1/')) assertActingPermission(resolved.member, 'models.use');
  };
}
