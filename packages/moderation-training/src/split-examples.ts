import { fmix32, fnv1a32 } from '@charter/core';
import type { LabelledExample } from './labelled-example.js';

/** Which part of the data an example belongs to. */
export type DataSplit = 'train' | 'validation' | 'held_out';

// A seed of its own, so that the split is independent of the feature hash buckets.
const splitSeed = 0x9747b28c;

/** Deterministic 32-bit hash of a string (FNV-1a + fmix32), independent of platform and run. */
export function stableHash(text: string): number {
  return fmix32(fnv1a32(text, splitSeed));
}

/**
 * The split of a split key: 70 % train, 15 % validation (threshold tuning), 15 % held out. Keys are
 * lower-cased and whitespace-collapsed first so that trivial copies of a text land in the same split.
 */
export function splitOf(splitKey: string): DataSplit {
  const bucket = stableHash(splitKey.toLowerCase().replace(/\s+/g, ' ').trim()) % 100;
  if (bucket < 70) return 'train';
  if (bucket < 85) return 'validation';
  return 'held_out';
}

/** Partitions examples by `splitOf(example.splitKey)` (train-only examples to train), keeping their order. */
export function splitExamples(examples: readonly LabelledExample[]): Record<DataSplit, LabelledExample[]> {
  const parts: Record<DataSplit, LabelledExample[]> = { train: [], validation: [], held_out: [] };
  for (const example of examples) parts[example.isTrainOnly === true ? 'train' : splitOf(example.splitKey)].push(example);
  return parts;
}
