import type { InferenceService, UsageRecord } from '@charter/core';
import type { EngineHealth } from '@charter/engine-spec';
import type { FastifyInstance } from 'fastify';
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/** Prometheus metrics of one app instance (OPS-3); a registry per app, no global state. */
export class ServerMetrics {
  readonly registry = new Registry();
  readonly #requests = new Counter({ name: 'charter_http_requests_total', help: 'HTTP requests by route and status.', labelNames: ['method', 'route', 'status'], registers: [this.registry] });
  readonly #duration = new Histogram({
    name: 'charter_http_request_duration_seconds',
    help: 'HTTP request latency (until the response, or the end of a stream).',
    labelNames: ['method', 'route'],
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120],
    registers: [this.registry],
  });
  readonly #timeToFirstToken = new Histogram({
    name: 'charter_time_to_first_token_seconds',
    help: 'Time from request to the first generated token.',
    labelNames: ['model'],
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
    registers: [this.registry],
  });
  readonly #tokens = new Counter({ name: 'charter_tokens_total', help: 'Tokens processed, by model and kind.', labelNames: ['model', 'kind'], registers: [this.registry] });
  readonly #inferenceRequests = new Counter({ name: 'charter_inference_requests_total', help: 'Inference requests by model, endpoint and outcome.', labelNames: ['model', 'endpoint', 'status'], registers: [this.registry] });
  readonly #errors = new Counter({ name: 'charter_errors_total', help: 'Errors returned, by code.', labelNames: ['code'], registers: [this.registry] });
  readonly rateLimitStoreDegraded = new Gauge({ name: 'charter_rate_limit_store_degraded', help: '1 while the shared rate-limit store (Redis) is failing and the failure policy applies.', registers: [this.registry] });
  readonly quotaNotices = new Counter({ name: 'charter_quota_notices_total', help: 'Quota threshold notices recorded, by threshold.', labelNames: ['threshold'], registers: [this.registry] });
  readonly usageDropped = new Counter({ name: 'charter_usage_records_dropped_total', help: 'Usage records dropped after the write buffer overflowed.', registers: [this.registry] });

  // Labelled children by their label values: prom-client otherwise hashes the label object on every call, and
  // these are touched for every request. Label values come from route patterns, models and status codes: bounded.
  readonly #requestChildren = new Map<string, { count: Counter.Internal; duration: Histogram.Internal<'method' | 'route'> }>();
  readonly #usageChildren = new Map<string, Counter.Internal>();
  readonly #modelChildren = new Map<string, { promptTokens: Counter.Internal; completionTokens: Counter.Internal; timeToFirstToken: Histogram.Internal<'model'> }>();

  constructor(inference: () => InferenceService | undefined) {
    collectDefaultMetrics({ register: this.registry });
    const registry = this.registry;
    // Engine gauges read the last health snapshot when Prometheus scrapes; nothing is updated per request.
    const engineGauge = (name: string, help: string, value: (state: EngineHealth) => number) =>
      new Gauge({
        name,
        help,
        labelNames: ['engine'],
        registers: [registry],
        collect() {
          for (const [engine, state] of inference()?.lastHealth ?? []) this.set({ engine: engine.id }, value(state));
        },
      });
    engineGauge('charter_engine_queue_depth', 'Requests waiting for an engine slot.', (state) => state.queueDepth);
    engineGauge('charter_engine_active_requests', 'Requests being generated.', (state) => state.activeRequests);
    engineGauge('charter_engine_healthy', '1 when the engine reports healthy.', (state) => (state.isHealthy ? 1 : 0));
  }

  observeUsage(usage: UsageRecord): void {
    // A model nobody serves is whatever the client typed: one label value for all of them keeps the series bounded.
    const record = usage.errorCode === 'model_not_found' ? { ...usage, model: '(unknown)' } : usage;
    const key = `${record.model}\n${record.endpoint}\n${record.status}`;
    let requests = this.#usageChildren.get(key);
    if (!requests) {
      requests = this.#inferenceRequests.labels({ model: record.model, endpoint: record.endpoint, status: record.status });
      this.#usageChildren.set(key, requests);
    }
    requests.inc();
    let model = this.#modelChildren.get(record.model);
    if (!model) {
      model = {
        promptTokens: this.#tokens.labels({ model: record.model, kind: 'prompt' }),
        completionTokens: this.#tokens.labels({ model: record.model, kind: 'completion' }),
        timeToFirstToken: this.#timeToFirstToken.labels({ model: record.model }),
      };
      this.#modelChildren.set(record.model, model);
    }
    if (record.promptTokens > 0) model.promptTokens.inc(record.promptTokens);
    if (record.completionTokens > 0) model.completionTokens.inc(record.completionTokens);
    if (record.timeToFirstTokenMs !== null) model.timeToFirstToken.observe(record.timeToFirstTokenMs / 1000);
  }

  observeError(code: string): void {
    this.#errors.inc({ code });
  }

  observeRequest(method: string, route: string, status: number, elapsedMs: number): void {
    const key = `${method}\n${route}\n${status}`;
    let children = this.#requestChildren.get(key);
    if (!children) {
      children = { count: this.#requests.labels({ method, route, status: String(status) }), duration: this.#duration.labels({ method, route }) };
      this.#requestChildren.set(key, children);
    }
    children.count.inc();
    children.duration.observe(elapsedMs / 1000);
  }

  /** Count and time every request by its route pattern (never the raw URL, which would explode cardinality). */
  register(app: FastifyInstance): void {
    app.addHook('onResponse', (request, reply, done) => {
      this.observeRequest(request.method, request.routeOptions.url ?? 'unmatched', reply.statusCode, reply.elapsedTime);
      done();
    });
  }
}
