import type { FastifyInstance } from 'fastify';
import type { RouteContext } from '../route-context.js';

/** Liveness, readiness and Prometheus metrics (API-9, OPS-3). Unauthenticated: bind or firewall accordingly. */
export function operationsRoute(app: FastifyInstance, context: RouteContext): void {
  const hidden = { schema: { hide: true } };
  app.get('/healthz', hidden, async () => ({ status: 'ok' }));

  app.get('/readyz', hidden, async (_request, reply) => {
    const checks: Record<string, string> = {};
    let isReady = context.isReady();
    if (!isReady) checks.server = 'shutting down';
    await Promise.all([
      context.databasePing().then(
        () => (checks.database = 'ok'),
        () => {
          checks.database = 'unreachable';
          isReady = false;
        },
      ),
      context.redisPing?.().then(
        () => (checks.redis = 'ok'),
        () => {
          checks.redis = 'unreachable';
          isReady = false;
        },
      ),
    ]);
    const health = await context.services.inference.refreshHealth();
    for (const [engine, state] of health) checks[`engine:${engine.id}`] = state.isHealthy ? 'ok' : `unhealthy${state.detail ? `: ${state.detail}` : ''}`;
    return reply.status(isReady ? 200 : 503).send({ status: isReady ? 'ready' : 'not ready', checks });
  });

  app.get('/metrics', hidden, async (_request, reply) => {
    const text = await context.metrics.registry.metrics();
    return reply.type(context.metrics.registry.contentType).send(text);
  });
}
