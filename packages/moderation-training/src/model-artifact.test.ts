import { describe, expect, it } from 'vitest';
import { defaultFeatureConfig } from '@charter/core';
import { decodeModelArtifact, decodeQuantizedModel, encodeModelArtifact } from './model-artifact.js';
import { dequantizeModel, quantizeModel } from './quantize-model.js';

const features = { ...defaultFeatureConfig, hashBits: 10 };

function randomWeights(seed: number): Float32Array {
  const weights = new Float32Array(2 ** features.hashBits);
  let state = seed;
  for (let index = 0; index < weights.length; index += 1) {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    // Most weights zero, the rest spread over ±2, like a trained head.
    weights[index] = state % 3 === 0 ? ((state / 2 ** 32) * 4 - 2) : 0;
  }
  return weights;
}

describe('model artefact', () => {
  const quantized = quantizeModel(features, [
    { category: 'violence_extremism', weights: randomWeights(1), bias: -1.25 },
    { category: 'prompt_injection_jailbreak', weights: randomWeights(2), bias: 0.5 },
  ]);

  it('AUP-1 int8 companding keeps weights within 1.6 % of the largest weight', () => {
    const original = randomWeights(1);
    const restored = dequantizeModel(quantized).heads[0]?.weights ?? new Float32Array();
    const largest = Math.max(...Array.from(original, Math.abs));
    for (let index = 0; index < original.length; index += 1) {
      expect(Math.abs((restored[index] as number) - (original[index] as number))).toBeLessThanOrEqual(largest * 0.016);
    }
  });

  it('AUP-1 encodes and decodes to the same model', () => {
    const { header, weights } = encodeModelArtifact(quantized, 'model.bin', { note: 'test' });
    const decoded = decodeQuantizedModel(header, weights);
    expect(decoded.heads.map((head) => head.category)).toEqual(['violence_extremism', 'prompt_injection_jailbreak']);
    expect(Array.from(decoded.heads[1]?.weights ?? [])).toEqual(Array.from(quantized.heads[1]?.weights ?? []));
    const model = decodeModelArtifact(header, weights);
    expect(model.heads[0]?.bias).toBe(quantized.heads[0]?.bias);
    expect(model.metadata).toEqual({ note: 'test' });
  });

  it('AUP-1 refuses weights that do not match their header', () => {
    const { header, weights } = encodeModelArtifact(quantized, 'model.bin', {});
    const tampered = Uint8Array.from(weights);
    tampered[tampered.length - 1] = (tampered[tampered.length - 1] as number) ^ 1;
    expect(() => decodeQuantizedModel(header, tampered)).toThrow(/sha256/);
  });
});
