import { describe, expect, it } from 'vitest';
import type { ClassifierModel } from './classifier-model.js';
import { FeatureHasher, defaultFeatureConfig, type FeatureConfig } from './feature-hasher.js';
import { ModerationClassifier } from './moderation-classifier.js';
import { normalizeModerationText } from './normalize-moderation-text.js';

const features: FeatureConfig = { ...defaultFeatureConfig, hashBits: 12, chunkChars: 200 };

// A hand-made head: +4 on every bucket of the word "bomb", bias -2.
function bombModel(extraWeight = 0): ClassifierModel {
  const hasher = new FeatureHasher(features);
  const weights = new Float32Array(2 ** features.hashBits);
  for (const bucket of hasher.hash('bomb')) weights[bucket] = 4;
  // Optional many distinct tiny values, to force the float (non-codebook) path.
  if (extraWeight !== 0) for (let bucket = 0; bucket < weights.length; bucket += 1) if (weights[bucket] === 0) weights[bucket] = extraWeight * (bucket + 1);
  return { formatVersion: 1, features, metadata: {}, heads: [{ category: 'violence_extremism', weights, bias: -2 }] };
}

describe('ModerationClassifier', () => {
  it('AUP-1 computes sigmoid(bias + Σ weights / sqrt(feature count))', () => {
    const classifier = new ModerationClassifier(bombModel());
    const hasher = new FeatureHasher(features);
    const model = bombModel();
    const head = model.heads[0];
    if (head === undefined) throw new Error('no head');
    for (const text of ['bomb', 'how to make a bomb', 'bake bread']) {
      const buckets = hasher.hash(normalizeModerationText(text));
      let sum = 0;
      for (const bucket of buckets) sum += head.weights[bucket] as number;
      const expected = 1 / (1 + Math.exp(-(head.bias + sum / Math.sqrt(buckets.length))));
      expect(classifier.score(text).violence_extremism).toBeCloseTo(expected, 12);
    }
    expect(classifier.score('how to make a bomb').violence_extremism).toBeGreaterThan(0.5);
    expect(classifier.score('how to bake bread').violence_extremism).toBeLessThan(0.5);
  });

  it('AUP-2 scores nothing for a text without features, whatever the bias (an answer that is only a tool call)', () => {
    const positiveBias = bombModel();
    const head = positiveBias.heads[0];
    if (head === undefined) throw new Error('no head');
    head.bias = 3;
    const classifier = new ModerationClassifier(positiveBias);
    for (const text of ['', '   ', '?!', '{}']) expect(classifier.score(text).violence_extremism).toBe(0);
    expect(classifier.score('bake bread').violence_extremism).toBeGreaterThan(0.5);
  });

  it('AUP-1 scores long texts by their worst chunk', () => {
    const classifier = new ModerationClassifier(bombModel());
    const benign = 'the weather is lovely and we walked the dog in the park '.repeat(20);
    expect(classifier.score(benign).violence_extremism).toBeLessThan(0.5);
    expect(classifier.score(`${benign} bomb`).violence_extremism).toBeGreaterThan(0.5);
  });

  it('AUP-1 gives the same scores whether weights are stored as codes or as floats', () => {
    const coded = new ModerationClassifier(bombModel());
    const floats = new ModerationClassifier(bombModel(1e-12));
    for (const text of ['bomb', 'a bomb threat', 'nothing here']) {
      expect(floats.score(text).violence_extremism).toBeCloseTo(coded.score(text).violence_extremism ?? 0, 6);
    }
  });

  it('AUP-1 refuses weights trained with another normaliser or bucket count', () => {
    expect(() => new ModerationClassifier({ ...bombModel(), features: { ...features, normalizerVersion: 99 } })).toThrow(/normaliser/);
    const model = bombModel();
    expect(() => new ModerationClassifier({ ...model, features: { ...features, hashBits: 13 } })).toThrow(/weights/);
  });
});
