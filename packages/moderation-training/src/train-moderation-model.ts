import {
  FeatureHasher,
  defaultFeatureConfig,
  nextChunkEnd,
  normalizeModerationText,
  type ClassifierModel,
  type FeatureConfig,
  type ModerationCategory,
} from '@charter/core';
import { bestF1Threshold, type BinaryMetrics, binaryMetrics, averagePrecision } from './classification-metrics.js';
import { labelOf, type LabelledExample } from './labelled-example.js';
import { quantizeModel, dequantizeModel, type QuantizedModel } from './quantize-model.js';
import { splitExamples, type DataSplit } from './split-examples.js';

/** The heads the classifier is trained for: the categories with usable labelled data. */
export const trainedCategories: readonly ModerationCategory[] = [
  'violence_extremism',
  'hate_harassment',
  'sexual',
  'self_harm',
  'illegal_fraud',
  'malware_security',
  'privacy_personal_data',
  'misinformation',
  'prompt_injection_jailbreak',
];

/** Hyper-parameters. Fixed values rather than a search, so that a retrain gives the same bytes. */
export interface TrainingOptions {
  features: FeatureConfig;
  categories: readonly ModerationCategory[];
  epochs: number;
  /** AdaGrad base step. */
  learningRate: number;
  /** L2 penalty applied to every weight a step touches. */
  l2: number;
  /** Seed of the per-epoch shuffles. */
  seed: number;
  /** Upper bound on how much rarer positive examples are up-weighted for class balance. */
  maxPositiveUpweight: number;
  /** Target share of positive weight per head after balancing (0.5 = as much as the negatives). */
  positiveShare: number;
  /**
   * Each head's threshold is raised, if needed, above this quantile of its scores on the validation
   * split's hand-written benign prompts. F1 alone is dominated by the many easy negatives (tweets,
   * instructions) and would set thresholds that flag "how do I kill a Python process".
   */
  hardNegativeQuantile: number;
  /**
   * Added to that floor, in logits. The highest of n validation hard negatives understates how high an
   * unseen one may score; a margin leaves room for it. 0 by default: compared on a validation half
   * (`compare-training-options.ts`), margins of 0.5–1 cost recall without removing the remaining false
   * positives, which score far above any threshold.
   */
  hardNegativeMarginLogit: number;
  /** Sources whose validation examples count as hard negatives besides the sensitive-but-benign prompts. */
  hardNegativeSources: readonly string[];
}

export const defaultTrainingOptions: Readonly<TrainingOptions> = Object.freeze({
  features: defaultFeatureConfig,
  categories: trainedCategories,
  epochs: 6,
  learningRate: 0.2,
  l2: 1e-6,
  seed: 20240531,
  maxPositiveUpweight: 12,
  positiveShare: 0.35,
  hardNegativeQuantile: 1,
  hardNegativeMarginLogit: 0,
  hardNegativeSources: ['hand_written_benign_requests', 'hand_written_system_prompts'],
});

/** Counts and validation results per head, written into the artefact header. */
export interface HeadReport {
  category: ModerationCategory;
  trainPositives: number;
  trainNegatives: number;
  positiveUpweight: number;
  /** Logit threshold folded into the bias. */
  tunedLogitThreshold: number;
  validation: BinaryMetrics & { averagePrecision: number; positives: number };
}

/** What training returns: the quantised artefact, the model as scoring will see it, and a report. */
export interface TrainingResult {
  quantized: QuantizedModel;
  model: ClassifierModel;
  heads: HeadReport[];
  exampleCounts: { train: number; validation: number; heldOut: number };
}

/** Examples split and turned into features once, so that several option sets can be tried on them. */
export interface PreparedTrainingData {
  features: FeatureConfig;
  train: LabelledExample[];
  validation: LabelledExample[];
  heldOutCount: number;
  trainMatrix: SparseMatrix;
  validationMatrix: SparseMatrix;
}

/**
 * Splits the examples and computes the features of the train and validation parts. `split` defaults to the
 * deterministic hash split; option comparisons pass one that keeps part of the validation split aside.
 */
export function prepareTrainingData(
  examples: readonly LabelledExample[],
  features: FeatureConfig,
  split: (examples: readonly LabelledExample[]) => Record<DataSplit, LabelledExample[]> = splitExamples,
): PreparedTrainingData {
  const hasher = new FeatureHasher(features);
  const splits = split(examples);
  return {
    features,
    train: splits.train,
    validation: splits.validation,
    heldOutCount: splits.held_out.length,
    trainMatrix: featurize(splits.train, hasher, features),
    validationMatrix: featurize(splits.validation, hasher, features),
  };
}

/** True for the hand-written benign texts that thresholds must not flag (see `hardNegativeQuantile`). */
export function isHardNegative(example: LabelledExample, sources: readonly string[] = defaultTrainingOptions.hardNegativeSources): boolean {
  return example.isSensitiveBenign || sources.includes(example.source);
}

interface SparseMatrix {
  offsets: Int32Array;
  indices: Int32Array;
  values: Float32Array;
}

/**
 * Trains one logistic-regression head per category on hashed features with AdaGrad and L2, on the train
 * split only; tunes each head's threshold on the validation split and folds it into the bias. The held-out
 * split is never touched here. Deterministic: seeded shuffles, fixed epochs, no parallelism.
 */
export function trainModerationModel(
  examples: readonly LabelledExample[] | PreparedTrainingData,
  options: TrainingOptions = defaultTrainingOptions,
  log: (message: string) => void = () => {},
): TrainingResult {
  const prepared = 'trainMatrix' in examples ? examples : prepareTrainingData(examples, options.features);
  if (prepared.features !== options.features) throw new Error('prepared data was featurised with other settings');
  const bucketCount = 2 ** options.features.hashBits;
  const { train, validation, trainMatrix, validationMatrix } = prepared;
  log(`examples: train ${train.length}, validation ${validation.length}, held-out ${prepared.heldOutCount} (not used)`);
  log(`features: ${trainMatrix.indices.length} non-zeros in train`);

  const headCount = options.categories.length;
  const weights = options.categories.map(() => new Float32Array(bucketCount));
  const squaredGradients = options.categories.map(() => new Float32Array(bucketCount));
  const biases = new Float64Array(headCount);
  const biasSquaredGradients = new Float64Array(headCount);
  const labels = options.categories.map((category) => labelsFor(train, category));
  const sampleWeights = options.categories.map((category, headIndex) => {
    const headLabels = labels[headIndex] as Int8Array;
    let positiveWeight = 0;
    let negativeWeight = 0;
    train.forEach((example, index) => {
      if (headLabels[index] === 1) positiveWeight += example.weight;
      else if (headLabels[index] === 0) negativeWeight += example.weight;
    });
    const wanted = (negativeWeight * options.positiveShare) / (1 - options.positiveShare);
    const upweight = positiveWeight > 0 ? Math.min(options.maxPositiveUpweight, Math.max(1, wanted / positiveWeight)) : 1;
    log(`  ${category}: positive weight ${positiveWeight.toFixed(1)}, negative weight ${negativeWeight.toFixed(1)}, upweight ${upweight.toFixed(2)}`);
    return { upweight, positiveWeight, negativeWeight };
  });

  const random = mulberry32(options.seed);
  const order = Int32Array.from({ length: train.length }, (_, index) => index);
  const epsilon = 1e-8;
  for (let epoch = 0; epoch < options.epochs; epoch += 1) {
    shuffle(order, random);
    let loss = 0;
    for (const exampleIndex of order) {
      const start = trainMatrix.offsets[exampleIndex] as number;
      const end = trainMatrix.offsets[exampleIndex + 1] as number;
      const exampleWeight = (train[exampleIndex] as LabelledExample).weight;
      for (let headIndex = 0; headIndex < headCount; headIndex += 1) {
        const label = (labels[headIndex] as Int8Array)[exampleIndex] as number;
        if (label < 0) continue;
        const headWeights = weights[headIndex] as Float32Array;
        const headSquared = squaredGradients[headIndex] as Float32Array;
        let logit = biases[headIndex] as number;
        for (let position = start; position < end; position += 1) {
          logit += (headWeights[trainMatrix.indices[position] as number] as number) * (trainMatrix.values[position] as number);
        }
        const probability = 1 / (1 + Math.exp(-logit));
        const weight = exampleWeight * (label === 1 ? (sampleWeights[headIndex]?.upweight ?? 1) : 1);
        loss += weight * -Math.log(label === 1 ? Math.max(probability, 1e-12) : Math.max(1 - probability, 1e-12));
        const gradient = (probability - label) * weight;
        for (let position = start; position < end; position += 1) {
          const bucket = trainMatrix.indices[position] as number;
          const current = headWeights[bucket] as number;
          const step = gradient * (trainMatrix.values[position] as number) + options.l2 * current;
          const accumulated = (headSquared[bucket] as number) + step * step;
          headSquared[bucket] = accumulated;
          headWeights[bucket] = current - (options.learningRate * step) / (Math.sqrt(accumulated) + epsilon);
        }
        const biasAccumulated = (biasSquaredGradients[headIndex] as number) + gradient * gradient;
        biasSquaredGradients[headIndex] = biasAccumulated;
        biases[headIndex] = (biases[headIndex] as number) - (options.learningRate * gradient) / (Math.sqrt(biasAccumulated) + epsilon);
      }
    }
    log(`epoch ${epoch + 1}/${options.epochs}: weighted log-loss ${(loss / Math.max(1, train.length)).toFixed(4)}`);
  }

  // Quantise first and tune on the quantised weights: the threshold then fits the weights actually shipped.
  const untuned = quantizeModel(
    options.features,
    options.categories.map((category, headIndex) => ({ category, weights: weights[headIndex] as Float32Array, bias: biases[headIndex] as number })),
  );
  const dequantized = dequantizeModel(untuned);
  const heads: HeadReport[] = [];
  options.categories.forEach((category, headIndex) => {
    const headLabels = labelsFor(validation, category);
    const scores: number[] = [];
    const actual: boolean[] = [];
    const hardNegativeScores: number[] = [];
    const head = dequantized.heads[headIndex];
    if (head === undefined) throw new Error('head count mismatch');
    for (let index = 0; index < validation.length; index += 1) {
      if ((headLabels[index] as number) < 0) continue;
      const logit = logitOf(validationMatrix, index, head.weights, head.bias);
      scores.push(logit);
      actual.push(headLabels[index] === 1);
      if (isHardNegative(validation[index] as LabelledExample, options.hardNegativeSources)) hardNegativeScores.push(logit);
    }
    const tuned = bestF1Threshold(scores, actual);
    const f1Threshold = Number.isFinite(tuned.threshold) ? tuned.threshold : 0;
    const hardNegativeFloor = quantile(hardNegativeScores, options.hardNegativeQuantile) + options.hardNegativeMarginLogit;
    const threshold = Math.max(f1Threshold, hardNegativeFloor);
    const quantizedHead = untuned.heads[headIndex];
    if (quantizedHead !== undefined) quantizedHead.bias = roundFloat32(quantizedHead.bias - threshold);
    const metrics = binaryMetrics(scores.map((score) => score > threshold), actual);
    heads.push({
      category,
      trainPositives: countLabel(labels[headIndex] as Int8Array, 1),
      trainNegatives: countLabel(labels[headIndex] as Int8Array, 0),
      positiveUpweight: roundFloat32(sampleWeights[headIndex]?.upweight ?? 1),
      tunedLogitThreshold: roundFloat32(threshold),
      validation: { ...metrics, averagePrecision: averagePrecision(scores, actual), positives: actual.filter(Boolean).length },
    });
    const hardNegativeFalsePositives = hardNegativeScores.filter((score) => score > threshold).length;
    log(
      `  ${category}: validation P ${metrics.precision.toFixed(3)} R ${metrics.recall.toFixed(3)} F1 ${metrics.f1.toFixed(3)} (threshold logit ${threshold.toFixed(3)}, F1-optimal ${f1Threshold.toFixed(3)}, hard negatives above ${hardNegativeFalsePositives}/${hardNegativeScores.length})`,
    );
  });

  return {
    quantized: untuned,
    model: dequantizeModel(untuned),
    heads,
    exampleCounts: { train: train.length, validation: validation.length, heldOut: prepared.heldOutCount },
  };
}

function labelsFor(examples: readonly LabelledExample[], category: ModerationCategory): Int8Array {
  return Int8Array.from(examples, (example) => labelOf(example, category));
}

/**
 * Sparse features of each example's first chunk, with duplicate buckets merged: value = count / sqrt(n),
 * where n counts every occurrence — exactly the sum `ModerationClassifier` computes without merging.
 */
function featurize(examples: readonly LabelledExample[], hasher: FeatureHasher, features: FeatureConfig): SparseMatrix {
  const offsets = new Int32Array(examples.length + 1);
  let indices = new Int32Array(1 << 20);
  let values = new Float32Array(1 << 20);
  let size = 0;
  examples.forEach((example, exampleIndex) => {
    const normalized = normalizeModerationText(example.text);
    const end = nextChunkEnd(normalized, 0, Math.max(200, features.chunkChars));
    const buckets = Int32Array.from(hasher.hash(normalized, 0, end)).sort();
    if (size + buckets.length > indices.length) {
      const capacity = Math.max(indices.length * 2, size + buckets.length);
      const grownIndices = new Int32Array(capacity);
      grownIndices.set(indices.subarray(0, size));
      indices = grownIndices;
      const grownValues = new Float32Array(capacity);
      grownValues.set(values.subarray(0, size));
      values = grownValues;
    }
    const scale = buckets.length > 0 ? 1 / Math.sqrt(buckets.length) : 0;
    let position = 0;
    while (position < buckets.length) {
      const bucket = buckets[position] as number;
      let count = 0;
      while (position < buckets.length && buckets[position] === bucket) {
        count += 1;
        position += 1;
      }
      indices[size] = bucket;
      values[size] = count * scale;
      size += 1;
    }
    offsets[exampleIndex + 1] = size;
  });
  return { offsets, indices: indices.slice(0, size), values: values.slice(0, size) };
}

function logitOf(matrix: SparseMatrix, exampleIndex: number, weights: Float32Array, bias: number): number {
  let logit = bias;
  const end = matrix.offsets[exampleIndex + 1] as number;
  for (let position = matrix.offsets[exampleIndex] as number; position < end; position += 1) {
    logit += (weights[matrix.indices[position] as number] as number) * (matrix.values[position] as number);
  }
  return logit;
}

/** The q-quantile (nearest rank) of `values`; -Infinity for none, so that it never raises a threshold. */
function quantile(values: readonly number[], q: number): number {
  if (values.length === 0) return Number.NEGATIVE_INFINITY;
  const sorted = [...values].sort((left, right) => left - right);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))] as number;
}

function countLabel(labels: Int8Array, value: number): number {
  let count = 0;
  for (const label of labels) if (label === value) count += 1;
  return count;
}

function roundFloat32(value: number): number {
  return Math.fround(value);
}

/** Small, fast, seedable PRNG; its sequence is fixed for a seed, unlike Math.random. */
function mulberry32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let value = state;
    value = Math.imul(value ^ (value >>> 15), value | 1);
    value ^= value + Math.imul(value ^ (value >>> 7), value | 61);
    return ((value ^ (value >>> 14)) >>> 0) / 4294967296;
  };
}

function shuffle(values: Int32Array, random: () => number): void {
  for (let index = values.length - 1; index > 0; index -= 1) {
    const other = Math.floor(random() * (index + 1));
    const swap = values[index] as number;
    values[index] = values[other] as number;
    values[other] = swap;
  }
}
