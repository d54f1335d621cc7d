import { mkdirSync } from 'node:fs';
import path from 'node:path';
import fastifyCookie from '@fastify/cookie';
import fastifySwagger from '@fastify/swagger';
import fastifySwaggerUi from '@fastify/swagger-ui';
import {
  ApiKeyService,
  ConversationService,
  ConversationShareService,
  MessageFeedbackService,
  InferenceService,
  type Logger,
  MeteringService,
  type ModelRoute,
  newId,
  newUserRecord,
  systemClock,
  type User,
} from '@charter/core';
import type { InferenceEngine } from '@charter/engine-spec';
import { SqlConversationRepository, SqlConversationShareRepository, SqlMessageFeedbackRepository } from '@charter/storage';
import {
  openDatabase,
  migrateToLatest,
  pingDatabase,
  SqlApiKeyRepository,
  SqlAuditLog,
  SqlUsageRepository,
  SqlUserRepository,
  SqlViolationRepository,
  ThreadedSqliteUsageRepository,
} from '@charter/storage';
import Fastify, { type FastifyInstance, LogController } from 'fastify';
import pino from 'pino';
import { jsonSchemaTransform, validatorCompiler } from 'fastify-type-provider-zod';
import { Redis } from 'ioredis';
import type { CharterConfig } from './config.js';
import { createEngines, type ModelDownloadProgress } from './engines.js';
import { createLimits, type LimitsWiring } from './limits.js';
import { createModerationService } from './moderation.js';
import { AccountNotifier, createAccounts, createMailer, publicUrl } from './accounts.js';
import { createAuthenticators } from './plugins/auth.js';
import { createContentCipher } from './master-keys.js';
import { twoFactorRoute } from './routes/auth/two-factor.route.js';
import { accountRoute } from './routes/auth/account.route.js';
import { conversationsRoute } from './routes/conversations/conversations.route.js';
import { authRoute } from './routes/auth/auth.route.js';
import { registerErrorHandler } from './plugins/error-handler.js';
import { defaultWebAppDirectory, registerWebApp } from './plugins/web-app.js';
import { ServerMetrics } from './plugins/metrics.js';
import { generateRequestId } from './plugins/request-id.js';
import { apiKeysRoute } from './routes/account/api-keys.route.js';
import { chatCompletionsRoute } from './routes/openai/chat-completions.route.js';
import { completionsRoute } from './routes/openai/completions.route.js';
import { embeddingsRoute } from './routes/openai/embeddings.route.js';
import { modelsRoute } from './routes/openai/models.route.js';
import { moderationsRoute } from './routes/openai/moderations.route.js';
import { createRequestSignal, InflightRequests } from './routes/openai/request-lifecycle.js';
import { operationsRoute } from './routes/operations/health.route.js';
import type { AppServices, RouteContext } from './routes/route-context.js';
import { AdminAccessPolicy, PlanService, ServerShuttingDown, UsageReportService } from '@charter/core';
import { SqlPlanRepository } from '@charter/storage';
import { usageRoute } from './routes/account/usage.route.js';
import { createSso } from './sso.js';
import { ssoRoute } from './routes/auth/sso.route.js';
import { plansAdminRoute } from './routes/admin/plans.route.js';
import { createOrganizations } from './organizations.js';
import { createActingFor } from './plugins/organization-context.js';
import { organizationsRoute } from './routes/organizations/organizations.route.js';
import { usersAdminRoute } from './routes/admin/users.route.js';
import { profileRoute } from './routes/account/profile.route.js';
import { registerClientCountryHeader } from './plugins/client-country.js';

export interface BuildAppOptions {
  /** Engines built by the caller instead of from configuration (tests with a fake upstream, say). */
  engines?: InferenceEngine[];
  /** Routes to use with `engines`; default one route per engine model. */
  routes?: ModelRoute[];
  /** Progress of model downloads at start. */
  onModelDownloadProgress?: (progress: ModelDownloadProgress) => void;
  /** Pino destination for logs (tests pass a stream to read them). */
  logStream?: NodeJS.WritableStream;
}

/** A built, wired application. `close()` shuts it down gracefully. */
export interface CharterApp {
  fastify: FastifyInstance;
  services: AppServices;
  config: CharterConfig;
  /** The instance owner created at first start. */
  owner: User;
  /** Plans, quotas and rate limits; undefined when `limits.isEnabled` is false. */
  limits: LimitsWiring | undefined;
  /** Stop taking requests, let running ones finish within the grace period, then release everything. */
  close(graceMs?: number): Promise<void>;
}

/** The only place adapters are constructed and wired to services and routes. */
export async function buildApp(config: CharterConfig, options: BuildAppOptions = {}): Promise<CharterApp> {
  // Buffered, asynchronous log writes: one write syscall per 4 KiB instead of one per line (a per-request log
  // line written synchronously cost a fifth of the gateway's CPU). Flushed every second and at shutdown.
  const logDestination = options.logStream ? undefined : pino.destination({ dest: 1, sync: false, minLength: 4096 });
  const logFlushTimer = logDestination ? setInterval(() => logDestination.flush(), 1000).unref() : undefined;
  const fastify = Fastify({
    logger: { level: config.log.level, redact: ['req.headers.authorization'], stream: options.logStream ?? logDestination },
    // Our own onResponse hook logs one line per request; Fastify's own request lines are off.
    logController: new LogController({ disableRequestLogging: true, requestIdLogLabel: 'requestId' }),
    genReqId: generateRequestId,
    bodyLimit: config.server.bodyLimitBytes,
    trustProxy: config.server.trustProxy,
    return503OnClosing: true,
    forceCloseConnections: 'idle',
  });
  const logger: Logger = fastify.log;

  mkdirSync(config.dataDir, { recursive: true });
  const databaseUrl = config.database.url ?? path.join(config.dataDir, 'charter.sqlite');
  const database = await openDatabase({ url: databaseUrl });
  const releasers: Array<() => Promise<unknown>> = [() => database.close()];
  try {
    // Before any migration: a PostgreSQL deployment without a master key stops here, with the fix in the message.
    const contentCipher = createContentCipher(config, database.dialect, logger);
    await migrateToLatest(database.db);
    const users = new SqlUserRepository(database.db);
    const owner = await users.ensureInstanceOwner(newUserRecord({ id: newId('user'), email: null, displayName: 'Instance owner', role: 'owner', createdAt: systemClock() }));

    const redis = config.redis.url ? new Redis(config.redis.url, { lazyConnect: true, maxRetriesPerRequest: 1, enableOfflineQueue: false }) : undefined;
    if (redis) {
      redis.on('error', (error) => logger.warn({ err: error }, 'redis connection error'));
      await redis.connect().catch((error: unknown) => logger.warn({ err: error }, 'redis is not reachable at start'));
      releasers.push(() => redis.quit().catch(() => redis.disconnect()));
    }

    let inference: InferenceService | undefined;
    const metrics = new ServerMetrics(() => inference);
    // SQLite is synchronous: usage batches are written on a thread of their own so they never stall requests.
    const usageRepository = new SqlUsageRepository(database.db);
    const usageWriter = database.filename ? new ThreadedSqliteUsageRepository({ filename: database.filename, reader: usageRepository }) : undefined;
    if (usageWriter) releasers.push(() => usageWriter.close());
    const metering = new MeteringService({
      repository: usageWriter ?? usageRepository,
      logger,
      flushIntervalMs: config.metering.flushIntervalMs,
      maxBatchSize: config.metering.maxBatchSize,
      onDropped: (count) => metrics.usageDropped.inc(count),
    });
    const audit = new SqlAuditLog(database.db, database.dialect);
    const limits = config.limits.isEnabled ? await createLimits({ config, database, redis, owner, audit, metrics, logger }) : undefined;
    if (limits) releasers.push(() => limits.close());
    const mailer = createMailer(config);
    releasers.push(async () => mailer.close?.());
    const notifier = new AccountNotifier({ mailer, logger, publicUrl: () => publicUrl(config, fastify.server) });
    releasers.push(() => notifier.close());
    const apiKeys = new ApiKeyService({
      repository: new SqlApiKeyRepository(database.db),
      audit,
      clock: systemClock,
      logger,
      cacheTtlMs: config.apiKeys.cacheTtlMs,
      onCreated: (apiKey) => void notifyKeyCreated(users, notifier, apiKey.ownerUserId, apiKey.name, apiKey.prefix),
      instanceOwnerId: owner.id,
    });
    // Organisations are wired after accounts (they need its users); account deletion consults them through this.
    let organizationsWiring: ReturnType<typeof createOrganizations> | undefined;
    const accounts = createAccounts({ config, database, redis, audit, apiKeys, notifier, logger, contentCipher, beforeDeletion: (user, actor) => organizationsWiring?.organizations.prepareAccountDeletion(user.id, actor) ?? Promise.resolve() });
    releasers.push(() => accounts.close());
    const sso = createSso({ config, database, accounts, audit, logger });

    const built = options.engines
      ? { engines: options.engines, routes: options.routes ?? (await defaultRoutes(options.engines)), noModelMessage: undefined }
      : await createEngines(config, logger, options.onModelDownloadProgress);
    const moderation = createModerationService(config, built.engines, new SqlViolationRepository(database.db), logger);
    inference = new InferenceService({
      routes: built.routes,
      metering,
      clock: systemClock,
      logger,
      onUsage: (record) => metrics.observeUsage(record),
      moderation: config.moderation.isEnabled ? moderation : undefined,
      admission: limits?.admission,
      isAdmissionOverlapped: config.limits.overlapAdmission,
    });
    await inference.refreshHealth();
    // One PlanService per process, shared with the limits when they are on, so admin changes apply at once here.
    const plans = limits?.plans ?? new PlanService({ repository: new SqlPlanRepository(database.db), audit, clock: systemClock, defaultPlanId: config.limits.defaultPlanId });
    await plans.ensureDefaultPlans();
    const usageReports = new UsageReportService({ repository: new SqlUsageRepository(database.db) });
    const adminAccess = new AdminAccessPolicy({ instanceOwnerId: owner.id, accountAccess: accounts.access });
    const organizations = createOrganizations({ database, users: accounts.users, apiKeys, notifier, audit });
    organizationsWiring = organizations;
    const conversations = new ConversationService({ repository: new SqlConversationRepository(database.db), cipher: contentCipher, inference, clock: systemClock, logger });
    const conversationShares = new ConversationShareService({ repository: new SqlConversationShareRepository(database.db), conversations, cipher: contentCipher, clock: systemClock });
    const messageFeedback = new MessageFeedbackService({ repository: new SqlMessageFeedbackRepository(database.db), conversations, cipher: contentCipher, clock: systemClock });
    const services: AppServices = { apiKeys, inference, metering, moderation, plans, usageReports, adminAccess, accounts, organizations, sso, conversations, conversationShares, messageFeedback };
    const authenticators = createAuthenticators({ apiKeys, sessions: accounts.sessions, access: accounts.access, actingFor: createActingFor(organizations.access) });

    let isReady = true;
    const inflight = new InflightRequests();
    const context: RouteContext = {
      services,
      metrics,
      config,
      authenticate: authenticators.authenticate,
      authenticateSession: authenticators.authenticateSession,
      isTwoFactorEnabled: (userId) => accounts.twoFactor.checker.isRequired(userId),
      hasPassword: async (userId) => (await accounts.users.findPasswordHash(userId)) !== null,
      publicUrl: () => publicUrl(config, fastify.server),
      requestSignal: (reply) => createRequestSignal(reply, config.server.requestTimeoutMs, inflight),
      observeStream: (request, status) => {
        metrics.observeRequest(request.method, request.routeOptions.url ?? 'unmatched', status, performance.now() - request.startedAtMs);
        if (config.log.requests) request.log.info({ method: request.method, route: request.routeOptions.url, status, stream: true }, 'request completed');
      },
      isReady: () => isReady,
      noModelMessage: built.noModelMessage,
      redisPing: redis ? async () => void (await redis.ping()) : undefined,
      databasePing: () => pingDatabase(database.db),
    };

    await fastify.register(fastifyCookie);
    fastify.decorateRequest('session', undefined);
    fastify.decorateRequest('sessionToken', undefined);
    fastify.decorateRequest('actingMember', null);
    registerClientCountryHeader(fastify, config.accounts.eligibility.countryHeader);
    fastify.setValidatorCompiler(validatorCompiler);
    // Responses are built from typed objects; re-validating them on the hot path buys nothing.
    fastify.setSerializerCompiler(() => (data) => JSON.stringify(data));
    const appPage = config.web.isEnabled ? await registerWebApp(fastify, { directory: config.web.directory ?? defaultWebAppDirectory }) : undefined;
    if (config.web.isEnabled && !appPage) logger.warn({ directory: config.web.directory ?? defaultWebAppDirectory }, 'the web app is not built; run `npm run build:web` (the API works without it)');
    registerErrorHandler(fastify, metrics, appPage);
    fastify.addHook('onRequest', (request, reply, done) => {
      request.startedAtMs = performance.now();
      void reply.header('x-request-id', request.id);
      done();
    });
    metrics.register(fastify);
    if (config.log.requests) {
      fastify.addHook('onResponse', (request, reply, done) => {
        request.log.info({ method: request.method, route: request.routeOptions.url, status: reply.statusCode, ms: Math.round(reply.elapsedTime) }, 'request completed');
        done();
      });
    }

    await fastify.register(fastifySwagger, {
      openapi: {
        openapi: '3.1.0',
        info: { title: 'Charter API', version: '0.1.0', description: 'OpenAI-compatible inference API and Charter account API.' },
        components: { securitySchemes: { bearerAuth: { type: 'http', scheme: 'bearer', description: 'An API key: `Authorization: Bearer sk-ch-…`' } } },
      },
      transform: jsonSchemaTransform,
    });
    await fastify.register(fastifySwaggerUi, { routePrefix: '/docs' });
    fastify.get('/openapi.json', { schema: { hide: true } }, async () => fastify.swagger());

    operationsRoute(fastify, context);
    modelsRoute(fastify, context);
    chatCompletionsRoute(fastify, context);
    completionsRoute(fastify, context);
    embeddingsRoute(fastify, context);
    moderationsRoute(fastify, context);
    apiKeysRoute(fastify, context);
    usageRoute(fastify, context);
    plansAdminRoute(fastify, context);
    authRoute(fastify, context);
    accountRoute(fastify, context);
    conversationsRoute(fastify, context);
    organizationsRoute(fastify, context);
    twoFactorRoute(fastify, context);
    usersAdminRoute(fastify, context);
    profileRoute(fastify, context);
    ssoRoute(fastify, context);
    await fastify.ready();

    let closing: Promise<void> | undefined;
    const close = (graceMs = config.server.shutdownGraceMs) =>
      (closing ??= (async () => {
        isReady = false;
        const fastifyClosed = fastify.close();
        const drained = await inflight.waitUntilDrained(graceMs);
        if (!drained) {
          logger.warn({ remaining: inflight.size }, 'shutdown grace period over; cancelling remaining requests');
          inflight.abortAll(new ServerShuttingDown());
        }
        await fastifyClosed;
        await inference?.close();
        await apiKeys.close();
        await metering.close();
        for (const release of releasers.reverse()) await release();
        clearInterval(logFlushTimer);
        logDestination?.flushSync();
      })());

    return { fastify, services, config, owner, limits, close };
  } catch (error) {
    for (const release of releasers.reverse()) await release().catch(() => {});
    throw error;
  }
}

declare module 'fastify' {
  interface FastifyRequest {
    startedAtMs: number;
  }
}

/** Email the holder about a new key (ACC-8); keys of the instance owner (no email) need no notice. */
async function notifyKeyCreated(users: SqlUserRepository, notifier: AccountNotifier, userId: string, keyName: string, prefix: string): Promise<void> {
  const user = await users.findById(userId).catch(() => undefined);
  if (user?.email) notifier.apiKeyCreated(user.email, keyName, prefix);
}

async function defaultRoutes(engines: InferenceEngine[]): Promise<ModelRoute[]> {
  const createdAt = Math.floor(Date.now() / 1000);
  const routes: ModelRoute[] = [];
  for (const engine of engines) {
    for (const model of await engine.listModels()) {
      routes.push({ name: model.name, contextWindow: model.contextWindow, ownedBy: 'charter', createdAt, targets: [{ engine, engineModel: model.name, weight: 1 }] });
    }
  }
  return routes;
}
export { defaultRoutes };
