import type { ClassifierModel, FeatureConfig, ModerationCategory } from '@charter/core';

/** Version of the artefact format (header + weights file); bump on any layout change. */
export const artifactFormatVersion = 1;

/** One head with int8 weights: weight = sign(q) · scale · (|q| / 127)². */
export interface QuantizedHead {
  category: ModerationCategory;
  bias: number;
  /** Largest absolute weight of the head (the value of q = ±127). */
  scale: number;
  weights: Int8Array;
}

/** A model as stored: int8 weights per head plus the feature settings. */
export interface QuantizedModel {
  features: FeatureConfig;
  heads: QuantizedHead[];
}

/**
 * Quantises float weights to int8 with square-root companding. Linear int8 spends its 255 levels evenly
 * up to the largest weight, and the largest weights are rare: most useful weights are small and would
 * round to zero. Companding gives small weights fine steps (the smallest is scale / 16129) and large ones
 * coarse steps, which costs far less accuracy at the same size.
 */
export function quantizeModel(features: FeatureConfig, heads: ReadonlyArray<{ category: ModerationCategory; weights: Float32Array; bias: number }>): QuantizedModel {
  return {
    features: { ...features },
    heads: heads.map((head) => {
      let largest = 0;
      for (const weight of head.weights) largest = Math.max(largest, Math.abs(weight));
      const scale = Math.fround(largest > 0 ? largest : 1);
      const weights = new Int8Array(head.weights.length);
      for (let index = 0; index < head.weights.length; index += 1) {
        const weight = head.weights[index] as number;
        const level = Math.round(127 * Math.sqrt(Math.abs(weight) / scale));
        weights[index] = weight < 0 ? -level : level;
      }
      return { category: head.category, bias: Math.fround(head.bias), scale, weights };
    }),
  };
}

/** Expands int8 weights back to floats for scoring. */
export function dequantizeModel(model: QuantizedModel, metadata: Record<string, unknown> = {}): ClassifierModel {
  return {
    formatVersion: artifactFormatVersion,
    features: { ...model.features },
    metadata,
    heads: model.heads.map((head) => {
      const table = new Float32Array(256);
      for (let level = -128; level <= 127; level += 1) {
        const magnitude = Math.min(127, Math.abs(level)) / 127;
        table[level + 128] = Math.sign(level) * head.scale * magnitude * magnitude;
      }
      const weights = new Float32Array(head.weights.length);
      for (let index = 0; index < head.weights.length; index += 1) weights[index] = table[(head.weights[index] as number) + 128] as number;
      return { category: head.category, bias: head.bias, weights };
    }),
  };
}
