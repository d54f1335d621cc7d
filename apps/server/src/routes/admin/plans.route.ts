import {
  assignPlanRequestSchema,
  createPlanRequestSchema,
  errorResponseSchema,
  planAssignmentDeletedSchema,
  planAssignmentListSchema,
  planAssignmentParamsSchema,
  planAssignmentSchema,
  planDeletedSchema,
  planListSchema,
  planParamsSchema,
  planSchema,
  updatePlanRequestSchema,
} from '@charter/contracts';
import { NotFoundError } from '@charter/core';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { RouteContext } from '../route-context.js';
import { toPlanAssignmentBody, toPlanBody, toPlanChanges, toPlanDefinition, toPlanOverrides } from './plan-mapping.js';

/**
 * Plan administration (BIL-1): `/api/v1/admin/plans` and their assignments to users and organisations.
 * The instance owner with a key naming the `admin` scope, or staff whose role grants `plans.manage` (ADM-6);
 * every change is audited by the plan service.
 */
export function plansAdminRoute(app: FastifyInstance, context: RouteContext): void {
  const typed = app.withTypeProvider<ZodTypeProvider>();
  const plans = context.services.plans;
  const authorise = async (request: FastifyRequest) => {
    await context.authenticate(request);
    await context.services.adminAccess.assertCanAdminister(request.principal, 'plans.manage');
  };
  const actor = (request: FastifyRequest) => ({ userId: request.principal.userId, apiKeyId: request.principal.apiKeyId, requestId: request.id, via: 'api' as const });
  const common = { tags: ['Administration: plans'], security: [{ bearerAuth: [] }] };
  const errors = { '4xx': errorResponseSchema };

  typed.get('/api/v1/admin/plans', { preHandler: authorise, schema: { ...common, summary: 'List plans', response: { 200: planListSchema, ...errors } } }, async () => ({
    object: 'list' as const,
    data: (await plans.list()).map(toPlanBody),
  }));

  typed.post(
    '/api/v1/admin/plans',
    { preHandler: authorise, schema: { ...common, summary: 'Create a plan', body: createPlanRequestSchema, response: { 201: planSchema, ...errors } } },
    async (request, reply) => reply.status(201).send(toPlanBody(await plans.create(toPlanDefinition(request.body), actor(request)))),
  );

  typed.get(
    '/api/v1/admin/plans/:plan_id',
    { preHandler: authorise, schema: { ...common, summary: 'Retrieve a plan', params: planParamsSchema, response: { 200: planSchema, ...errors } } },
    async (request) => toPlanBody(await plans.get(request.params.plan_id)),
  );

  typed.patch(
    '/api/v1/admin/plans/:plan_id',
    { preHandler: authorise, schema: { ...common, summary: 'Change a plan (everyone on it gets the new terms)', params: planParamsSchema, body: updatePlanRequestSchema, response: { 200: planSchema, ...errors } } },
    async (request) => toPlanBody(await plans.update(request.params.plan_id, toPlanChanges(request.body), actor(request))),
  );

  typed.delete(
    '/api/v1/admin/plans/:plan_id',
    { preHandler: authorise, schema: { ...common, summary: 'Delete an unused plan', params: planParamsSchema, response: { 200: planDeletedSchema, ...errors } } },
    async (request) => {
      await plans.delete(request.params.plan_id, actor(request));
      return { id: request.params.plan_id, object: 'plan.deleted' as const, deleted: true as const };
    },
  );

  typed.get(
    '/api/v1/admin/plans/:plan_id/assignments',
    { preHandler: authorise, schema: { ...common, summary: 'List the owners on a plan', params: planParamsSchema, response: { 200: planAssignmentListSchema, ...errors } } },
    async (request) => ({ object: 'list' as const, data: (await plans.listAssignments(request.params.plan_id)).map(toPlanAssignmentBody) }),
  );

  typed.put(
    '/api/v1/admin/plans/:plan_id/assignments',
    { preHandler: authorise, schema: { ...common, summary: 'Put a user or organisation on a plan', params: planParamsSchema, body: assignPlanRequestSchema, response: { 200: planAssignmentSchema, ...errors } } },
    async (request) => {
      const body = request.body;
      const assignment = await plans.assign(
        {
          owner: { ownerType: body.owner_type, ownerId: body.owner_id },
          planId: request.params.plan_id,
          overrides: toPlanOverrides(body.overrides),
          ...(body.billing_time_zone === undefined ? {} : { billingTimeZone: body.billing_time_zone }),
        },
        actor(request),
      );
      return toPlanAssignmentBody(assignment);
    },
  );

  typed.delete(
    '/api/v1/admin/plans/:plan_id/assignments/:owner_type/:owner_id',
    { preHandler: authorise, schema: { ...common, summary: 'Take an owner off a plan (back to the default plan)', params: planAssignmentParamsSchema, response: { 200: planAssignmentDeletedSchema, ...errors } } },
    async (request) => {
      const { plan_id: planId, owner_type: ownerType, owner_id: ownerId } = request.params;
      if (!(await plans.unassign({ ownerType, ownerId }, actor(request), { planId }))) throw new NotFoundError('Plan assignment', 'owner_id');
      return { object: 'plan.assignment.deleted' as const, plan_id: planId, owner_type: ownerType, owner_id: ownerId, deleted: true as const };
    },
  );
}
