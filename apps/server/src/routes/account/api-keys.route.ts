import {
  apiKeyListSchema,
  apiKeyParamsSchema,
  apiKeySchema,
  type ApiKeyBody,
  createApiKeyRequestSchema,
  errorResponseSchema,
  issuedApiKeySchema,
  updateApiKeyRequestSchema,
} from '@charter/contracts';
import { type ApiKey, assertMayCreateApiKeys, canCallEndpoint, type IssuedApiKey, NotFoundError, PermissionDeniedError } from '@charter/core';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { fromRateLimitsBody, toRateLimitsBody } from '../rate-limits-mapping.js';
import type { RouteContext } from '../route-context.js';

/** Domain key → wire shape. The secret hash never leaves the server. */
export function toApiKeyBody(apiKey: ApiKey): ApiKeyBody {
  return {
    id: apiKey.id,
    object: 'api_key',
    name: apiKey.name,
    prefix: apiKey.prefix,
    scopes: { models: apiKey.scopes.models, endpoints: apiKey.scopes.endpoints, rate_limits: apiKey.scopes.rateLimits === null ? null : toRateLimitsBody(apiKey.scopes.rateLimits) },
    created_at: apiKey.createdAt.toISOString(),
    expires_at: apiKey.expiresAt?.toISOString() ?? null,
    revoked_at: apiKey.revokedAt?.toISOString() ?? null,
    last_used_at: apiKey.lastUsedAt?.toISOString() ?? null,
    rotated_from_id: apiKey.rotatedFromId,
    organization_id: apiKey.organizationId,
    owner_user_id: apiKey.ownerUserId,
  };
}

function toIssuedBody(issued: IssuedApiKey) {
  return { ...toApiKeyBody(issued.apiKey), key: issued.secret };
}

/**
 * Key management over HTTP (API-4): `/api/v1/keys`. Every call is scoped to the caller's own personal keys, or,
 * when the request acts for an organisation (ACC-7), to that organisation's keys as the member's role allows;
 * a key may manage keys only when its scopes name `api_keys` explicitly.
 */
export function apiKeysRoute(app: FastifyInstance, context: RouteContext): void {
  const typed = app.withTypeProvider<ZodTypeProvider>();
  const keys = context.services.apiKeys;
  const organizationKeys = context.services.organizations.apiKeys;
  // A personal request sees only personal keys; organisation keys are managed while acting for the organisation.
  const personalKey = async (request: FastifyRequest, keyId: string) => {
    const apiKey = await keys.get(request.principal.userId, keyId);
    if (apiKey.organizationId !== null) throw new NotFoundError('API key', 'key_id');
    return apiKey;
  };
  const authorise = async (request: FastifyRequest) => {
    await context.authenticate(request);
    if (!canCallEndpoint(request.principal.scopes, 'api_keys')) {
      throw new PermissionDeniedError('This API key may not manage API keys: create one with the "api_keys" endpoint scope.');
    }
  };
  const actor = (request: FastifyRequest) => ({ userId: request.principal.userId, apiKeyId: request.principal.apiKeyId, requestId: request.id, via: 'api' as const });
  const common = { tags: ['API keys'], security: [{ bearerAuth: [] }] };

  typed.get(
    '/api/v1/keys',
    { preHandler: authorise, schema: { ...common, summary: "List my API keys (acting for an organization: its keys, or my own there without api_keys.read_all)", response: { 200: apiKeyListSchema, '4xx': errorResponseSchema } } },
    async (request) => {
      const member = request.actingMember;
      const listed = member ? await organizationKeys.list(member) : (await keys.list(request.principal.userId)).filter((apiKey) => apiKey.organizationId === null);
      return { object: 'list' as const, data: listed.map(toApiKeyBody) };
    },
  );

  typed.post(
    '/api/v1/keys',
    { preHandler: authorise, schema: { ...common, summary: 'Create an API key (the secret is returned once)', body: createApiKeyRequestSchema, response: { 201: issuedApiKeySchema, '4xx': errorResponseSchema } } },
    async (request, reply) => {
      const body = request.body;
      assertMayCreateApiKeys(await context.services.accounts.access.assertCanUseService(request.principal.userId));
      const input = {
        name: body.name,
        scopes: {
          models: body.scopes?.models ?? null,
          endpoints: body.scopes?.endpoints ?? null,
          rateLimits: body.scopes?.rate_limits ? fromRateLimitsBody(body.scopes.rate_limits) : null,
        },
        expiresAt: body.expires_at ? new Date(body.expires_at) : null,
      };
      const member = request.actingMember;
      const issued = member ? await organizationKeys.create(member, input, actor(request)) : await keys.create(request.principal.userId, input, actor(request));
      return reply.status(201).send(toIssuedBody(issued));
    },
  );

  typed.get(
    '/api/v1/keys/:key_id',
    { preHandler: authorise, schema: { ...common, summary: 'Retrieve an API key', params: apiKeyParamsSchema, response: { 200: apiKeySchema, '4xx': errorResponseSchema } } },
    async (request) => {
      const member = request.actingMember;
      return toApiKeyBody(member ? await organizationKeys.get(member, request.params.key_id) : await personalKey(request, request.params.key_id));
    },
  );

  typed.patch(
    '/api/v1/keys/:key_id',
    {
      preHandler: authorise,
      schema: { ...common, summary: "Rename an API key or change its models, endpoints or own rate limits (the secret stays the same)", params: apiKeyParamsSchema, body: updateApiKeyRequestSchema, response: { 200: apiKeySchema, '4xx': errorResponseSchema } },
    },
    async (request) => {
      const body = request.body;
      const scopes = body.scopes;
      // A field left undefined is left as it is.
      const changes = {
        name: body.name,
        models: scopes?.models,
        endpoints: scopes?.endpoints,
        rateLimits: scopes?.rate_limits && fromRateLimitsBody(scopes.rate_limits),
      };
      const member = request.actingMember;
      if (member) return toApiKeyBody(await organizationKeys.update(member, request.params.key_id, changes, actor(request)));
      await personalKey(request, request.params.key_id);
      return toApiKeyBody(await keys.update(request.principal.userId, request.params.key_id, changes, actor(request)));
    },
  );

  typed.post(
    '/api/v1/keys/:key_id/revoke',
    { preHandler: authorise, schema: { ...common, summary: 'Revoke an API key', params: apiKeyParamsSchema, response: { 200: apiKeySchema, '4xx': errorResponseSchema } } },
    async (request) => {
      const member = request.actingMember;
      if (member) return toApiKeyBody(await organizationKeys.revoke(member, request.params.key_id, actor(request)));
      await personalKey(request, request.params.key_id);
      return toApiKeyBody(await keys.revoke(request.principal.userId, request.params.key_id, actor(request)));
    },
  );

  typed.post(
    '/api/v1/keys/:key_id/rotate',
    { preHandler: authorise, schema: { ...common, summary: 'Rotate an API key (new secret, old one revoked)', params: apiKeyParamsSchema, response: { 201: issuedApiKeySchema, '4xx': errorResponseSchema } } },
    async (request, reply) => {
      const member = request.actingMember;
      if (member) return reply.status(201).send(toIssuedBody(await organizationKeys.rotate(member, request.params.key_id, actor(request))));
      await personalKey(request, request.params.key_id);
      return reply.status(201).send(toIssuedBody(await keys.rotate(request.principal.userId, request.params.key_id, actor(request))));
    },
  );
}
