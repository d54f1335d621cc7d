import type { ClassifierModel } from './classifier-model.js';
import { FeatureHasher, nextChunkEnd } from './feature-hasher.js';
import type { ModerationCategory } from './moderation-category.js';
import { moderationNormalizerVersion, normalizeModerationText } from './normalize-moderation-text.js';

/** Classifier scores (0..1) for the categories the model has heads for. */
export type ClassifierScores = Partial<Record<ModerationCategory, number>>;

/**
 * Scores text with the linear heads of a `ClassifierModel`. Weights are re-laid out bucket-major (all
 * heads' weights of one bucket side by side) so that each feature costs one cache line, not one per head.
 * Summation is in float64 either way, so both layouts give the same scores.
 */
export class ModerationClassifier {
  readonly categories: readonly ModerationCategory[];
  private readonly hasher: FeatureHasher;
  private readonly headCount: number;
  /** Bucket-major weights, used when some head has more than 256 distinct weight values. */
  private readonly interleavedWeights: Float32Array | null;
  /** Bucket-major one-byte codes into `codebook` (quantised artefacts: 4x less memory traffic). */
  private readonly interleavedCodes: Uint8Array | null;
  /** Per head 256 weight values; code c of head h is `codebook[h * 256 + c]`. */
  private readonly codebook: Float64Array;
  private readonly biases: Float64Array;
  private readonly sums: Float64Array;
  private readonly best: Float64Array;
  private readonly chunkChars: number;

  constructor(model: ClassifierModel) {
    if (model.features.normalizerVersion !== moderationNormalizerVersion) {
      throw new Error(
        `Classifier artefact was trained with normaliser version ${model.features.normalizerVersion}, this code has ${moderationNormalizerVersion}; retrain it`,
      );
    }
    this.hasher = new FeatureHasher(model.features);
    const bucketCount = this.hasher.bucketCount;
    this.headCount = model.heads.length;
    this.categories = model.heads.map((head) => head.category);
    for (const head of model.heads) {
      if (head.weights.length !== bucketCount) {
        throw new Error(`Head ${head.category} has ${head.weights.length} weights, expected ${bucketCount}`);
      }
    }
    // Quantised artefacts have at most 256 distinct weights per head. Storing one-byte codes instead of
    // floats shrinks the table that every feature randomly reads from ~9 MB to ~2 MB, which is what keeps
    // scoring fast once the table no longer fits in cache.
    const codebook = new Float64Array(256 * this.headCount);
    const codes = new Uint8Array(bucketCount * this.headCount);
    const isCodable = model.heads.every((head, headIndex) => {
      const codeOf = new Map<number, number>();
      for (let bucket = 0; bucket < bucketCount; bucket += 1) {
        const weight = head.weights[bucket] as number;
        let code = codeOf.get(weight);
        if (code === undefined) {
          if (codeOf.size === 256) return false;
          code = codeOf.size;
          codeOf.set(weight, code);
          codebook[headIndex * 256 + code] = weight;
        }
        codes[bucket * this.headCount + headIndex] = code;
      }
      return true;
    });
    this.codebook = codebook;
    this.interleavedCodes = isCodable ? codes : null;
    this.interleavedWeights = isCodable ? null : new Float32Array(bucketCount * this.headCount);
    if (this.interleavedWeights !== null) {
      const weights = this.interleavedWeights;
      model.heads.forEach((head, headIndex) => {
        for (let bucket = 0; bucket < bucketCount; bucket += 1) weights[bucket * this.headCount + headIndex] = head.weights[bucket] as number;
      });
    }
    this.biases = Float64Array.from(model.heads.map((head) => head.bias));
    this.sums = new Float64Array(this.headCount);
    this.best = new Float64Array(this.headCount);
    this.chunkChars = Math.max(200, model.features.chunkChars);
  }

  /** Scores raw text (normalises it first). */
  score(text: string): ClassifierScores {
    return this.scoreNormalized(normalizeModerationText(text));
  }

  /** Scores text that already went through `normalizeModerationText`. */
  scoreNormalized(normalized: string): ClassifierScores {
    this.scoreInto(normalized, this.best);
    const scores: ClassifierScores = {};
    for (let headIndex = 0; headIndex < this.headCount; headIndex += 1) {
      scores[this.categories[headIndex] as ModerationCategory] = this.best[headIndex] as number;
    }
    return scores;
  }

  /**
   * Writes the score of head i into `output[i]` (heads in `categories` order). Long texts are split into
   * chunks at whitespace and each head keeps its highest chunk, so one harmful paragraph in a long benign
   * document is not averaged away.
   */
  scoreInto(normalized: string, output: Float64Array): void {
    output.fill(0, 0, this.headCount);
    const length = normalized.length;
    let start = 0;
    do {
      const end = nextChunkEnd(normalized, start, this.chunkChars);
      this.scoreChunk(normalized, start, end, output);
      start = end;
    } while (start < length);
  }

  private scoreChunk(normalized: string, start: number, end: number, output: Float64Array): void {
    const buckets = this.hasher.hash(normalized, start, end);
    const headCount = this.headCount;
    const sums = this.sums;
    sums.fill(0);
    const featureCount = buckets.length;
    const codes = this.interleavedCodes;
    if (codes !== null) {
      const codebook = this.codebook;
      for (let featureIndex = 0; featureIndex < featureCount; featureIndex += 1) {
        const base = (buckets[featureIndex] as number) * headCount;
        for (let headIndex = 0; headIndex < headCount; headIndex += 1) {
          sums[headIndex] = (sums[headIndex] as number) + (codebook[(headIndex << 8) + (codes[base + headIndex] as number)] as number);
        }
      }
    } else {
      const weights = this.interleavedWeights as Float32Array;
      for (let featureIndex = 0; featureIndex < featureCount; featureIndex += 1) {
        const base = (buckets[featureIndex] as number) * headCount;
        for (let headIndex = 0; headIndex < headCount; headIndex += 1) {
          sums[headIndex] = (sums[headIndex] as number) + (weights[base + headIndex] as number);
        }
      }
    }
    // No features, no evidence: the biases alone would score an empty or punctuation-only text (an answer
    // that is only a tool call) as harmful for heads whose bias is positive.
    if (featureCount === 0) return;
    // Same scaling as training: every feature occurrence has value 1 / sqrt(number of occurrences).
    const scale = 1 / Math.sqrt(featureCount);
    for (let headIndex = 0; headIndex < headCount; headIndex += 1) {
      const logit = (this.biases[headIndex] as number) + (sums[headIndex] as number) * scale;
      const probability = 1 / (1 + Math.exp(-logit));
      if (probability > (output[headIndex] as number)) output[headIndex] = probability;
    }
  }
}
