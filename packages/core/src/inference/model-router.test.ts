import { createOpenAiCompatibleEngine } from '@charter/engine-openai-compatible';
import { describe, expect, it } from 'vitest';
import type { ModelRoute, RouteTarget } from './model-route.js';
import { orderTargets } from './model-router.js';

// Real engines that are never called: the router only orders them.
const engine = (id: string) => createOpenAiCompatibleEngine({ id, baseUrl: 'http://127.0.0.1:9/v1', models: [{ name: 'm', contextWindow: 16 }], connectTimeoutMs: 1, firstByteTimeoutMs: 1, idleTimeoutMs: 1, tokenizer: 'none', healthCheck: false });
const target = (id: string, weight: number): RouteTarget => ({ engine: engine(id), engineModel: 'm', weight });
const route = (targets: RouteTarget[]): ModelRoute => ({ name: 'public', contextWindow: 16, ownedBy: 'x', createdAt: 0, targets });

describe('orderTargets', () => {
  it('API-7 picks the first target in proportion to its weight and keeps the rest as fallbacks', () => {
    const targets = [target('a', 3), target('b', 1)];
    const counts = { a: 0, b: 0 };
    for (let index = 0; index < 400; index++) {
      const ordered = orderTargets(route(targets), () => true, () => index / 400);
      counts[ordered[0]!.engine.id as 'a' | 'b']++;
      expect(ordered).toHaveLength(2);
      expect(new Set(ordered.map((entry) => entry.engine.id)).size).toBe(2);
    }
    expect(counts).toEqual({ a: 300, b: 100 });
  });

  it('API-7 puts unhealthy targets last instead of dropping them', () => {
    const targets = [target('a', 10), target('b', 1), target('c', 5)];
    const ordered = orderTargets(route(targets), (entry) => entry.engine.id !== 'a', () => 0);
    expect(ordered.map((entry) => entry.engine.id)).toEqual(['b', 'c', 'a']);
    const allDown = orderTargets(route(targets), () => false, () => 0);
    expect(allDown).toHaveLength(3);
  });
});
