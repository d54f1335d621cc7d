import type { InferenceEngine } from '@charter/engine-spec';

/** One place a public model can be served: an engine and the model's name there. */
export interface RouteTarget {
  engine: InferenceEngine;
  /** Engine-local model name. */
  engineModel: string;
  /** Relative share of traffic among healthy targets. */
  weight: number;
}

/** A public model name as clients see it, with where it is served. */
export interface ModelRoute {
  /** Public name (`model` in requests). */
  name: string;
  /** Context window in tokens (≤ 262,144), checked before any engine work. */
  contextWindow: number;
  ownedBy: string;
  /** Unix seconds shown as `created`. */
  createdAt: number;
  /** Targets in fallback order after the weighted first pick. */
  targets: RouteTarget[];
}

/** The largest context window a model may declare (API-2). */
export const maxContextWindow = 262_144;
