import type { ModerationCategory, ModerationDirection } from '@charter/core';

/** One training or evaluation text with its labels, mapped onto our taxonomy. */
export interface LabelledExample {
  text: string;
  /** Dataset the example came from, e.g. `davidson` or `hand_written_hard_negatives`. */
  source: string;
  /** Categories the text belongs to; empty for benign text. */
  positives: readonly ModerationCategory[];
  /** Benign for every category (a negative for every head). */
  isBenign: boolean;
  /**
   * True when the source labels one category to the exclusion of the others, so the example is also a
   * negative for the heads it is not positive for. Multi-aspect sources (toxic tweets, jailbreak prompts)
   * set false: a hateful tweet may well be sexual too, so it tells the sexual head nothing.
   */
  isExclusive: boolean;
  /** Sample weight before class balancing: weak or noisy labels count less. */
  weight: number;
  /** Text the deterministic split hashes; variants of one template share a key so they share a split. */
  splitKey: string;
  direction: ModerationDirection;
  /** A hand-written sensitive-but-benign prompt (the false-positive probe set). */
  isSensitiveBenign: boolean;
  /** Generated compositions: always in the train split (see `generateRequests`). */
  isTrainOnly?: boolean;
}

/** What an example says about one head: 1 positive, 0 negative, -1 nothing (see `isExclusive`). */
export function labelOf(example: LabelledExample, category: ModerationCategory): 1 | 0 | -1 {
  if (example.positives.includes(category)) return 1;
  if (example.isBenign || example.isExclusive) return 0;
  return -1;
}
