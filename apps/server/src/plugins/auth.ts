import { type ApiKeyService, AuthenticationError, type Principal } from '@charter/core';
import type { FastifyRequest } from 'fastify';

declare module 'fastify' {
  interface FastifyRequest {
    principal: Principal;
  }
}

/**
 * Resolve the bearer API key of a request to a principal (API-4). Used as a `preHandler` on every
 * authenticated route; sessions join here when accounts arrive.
 */
export function createApiKeyAuthentication(apiKeys: ApiKeyService) {
  return async function authenticate(request: FastifyRequest): Promise<void> {
    const header = request.headers.authorization;
    if (!header) {
      throw new AuthenticationError(
        'missing_api_key',
        "You didn't provide an API key. You need to provide your API key in an Authorization header using Bearer auth (i.e. Authorization: Bearer YOUR_KEY).",
      );
    }
    const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
    if (!match) throw new AuthenticationError('invalid_api_key', 'The Authorization header must be "Bearer YOUR_KEY".');
    request.principal = await apiKeys.authenticate(match[1]!);
  };
}
