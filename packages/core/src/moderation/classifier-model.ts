import type { FeatureConfig } from './feature-hasher.js';
import type { ModerationCategory } from './moderation-category.js';

/** One logistic-regression head: the score of its category is sigmoid(bias + Σ weight[bucket] · value). */
export interface ClassifierHead {
  category: ModerationCategory;
  /** One weight per hash bucket (length 2 ** features.hashBits). */
  weights: Float32Array;
  /**
   * Intercept. Training folds the tuned decision threshold into it, so that a score of 0.5 is the point
   * that maximised F1 on the validation split.
   */
  bias: number;
}

/** A loaded classifier artefact: everything scoring needs, nothing about how it was stored. */
export interface ClassifierModel {
  /** Format version of the artefact the model came from. */
  formatVersion: number;
  features: FeatureConfig;
  heads: ClassifierHead[];
  /** Free-form provenance (training date, data sources, metrics) carried from the artefact header. */
  metadata: Record<string, unknown>;
}
