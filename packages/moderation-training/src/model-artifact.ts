import { createHash } from 'node:crypto';
import { isModerationCategory, type ClassifierModel, type FeatureConfig, type ModerationCategory } from '@charter/core';
import { artifactFormatVersion, dequantizeModel, type QuantizedModel } from './quantize-model.js';

/** The JSON header written beside the weights file. */
export interface ModelArtifactHeader {
  format: 'charter-moderation-classifier';
  formatVersion: number;
  /** File name of the weights, relative to the header. */
  weightsFile: string;
  /** Hex SHA-256 of the weights file, checked on load. */
  weightsSha256: string;
  weightsEncoding: string;
  features: FeatureConfig;
  heads: Array<{ category: ModerationCategory; bias: number; scale: number }>;
  /** Provenance: options, sources, counts, validation metrics. Nothing time-dependent, for reproducibility. */
  metadata: Record<string, unknown>;
}

const magic = [0x43, 0x48, 0x4d, 0x43]; // "CHMC"
const fixedHeaderBytes = 16;

/**
 * Weights file layout (little-endian): "CHMC", u32 format version, u32 head count, u32 bucket count, then
 * per head (header order) a bitmap of non-zero buckets (bucketCount / 8 bytes) followed by the int8 levels
 * of the non-zero buckets only. Most buckets quantise to zero, so the bitmap keeps the file small while
 * decoding stays a single linear pass.
 */
export function encodeModelArtifact(model: QuantizedModel, weightsFile: string, metadata: Record<string, unknown>): { header: ModelArtifactHeader; weights: Uint8Array } {
  const bucketCount = 2 ** model.features.hashBits;
  const parts: Uint8Array[] = [];
  const fixed = new Uint8Array(fixedHeaderBytes);
  const view = new DataView(fixed.buffer);
  magic.forEach((byte, index) => view.setUint8(index, byte));
  view.setUint32(4, artifactFormatVersion, true);
  view.setUint32(8, model.heads.length, true);
  view.setUint32(12, bucketCount, true);
  parts.push(fixed);
  for (const head of model.heads) {
    if (head.weights.length !== bucketCount) throw new Error(`Head ${head.category} has ${head.weights.length} weights, expected ${bucketCount}`);
    const bitmap = new Uint8Array(bucketCount / 8);
    const levels: number[] = [];
    for (let bucket = 0; bucket < bucketCount; bucket += 1) {
      const level = head.weights[bucket] as number;
      if (level !== 0) {
        bitmap[bucket >>> 3] = (bitmap[bucket >>> 3] as number) | (1 << (bucket & 7));
        levels.push(level);
      }
    }
    parts.push(bitmap, new Uint8Array(Int8Array.from(levels).buffer));
  }
  const weights = concatenate(parts);
  const header: ModelArtifactHeader = {
    format: 'charter-moderation-classifier',
    formatVersion: artifactFormatVersion,
    weightsFile,
    weightsSha256: createHash('sha256').update(weights).digest('hex'),
    weightsEncoding: 'per head: non-zero bitmap + int8 levels, weight = sign(q) * scale * (|q|/127)^2',
    features: { ...model.features },
    heads: model.heads.map((head) => ({ category: head.category, bias: head.bias, scale: head.scale })),
    metadata,
  };
  return { header, weights };
}

/** Rebuilds the quantised model from a header and its weights file, checking hash and layout. */
export function decodeQuantizedModel(header: ModelArtifactHeader, weights: Uint8Array): QuantizedModel {
  if (header.format !== 'charter-moderation-classifier' || header.formatVersion !== artifactFormatVersion) {
    throw new Error(`Unsupported moderation artefact ${String(header.format)} v${String(header.formatVersion)}`);
  }
  const sha256 = createHash('sha256').update(weights).digest('hex');
  if (sha256 !== header.weightsSha256) throw new Error(`Moderation weights do not match their header (sha256 ${sha256}, expected ${header.weightsSha256})`);
  const view = new DataView(weights.buffer, weights.byteOffset, weights.byteLength);
  if (!magic.every((byte, index) => view.getUint8(index) === byte)) throw new Error('Not a moderation weights file');
  const headCount = view.getUint32(8, true);
  const bucketCount = view.getUint32(12, true);
  if (headCount !== header.heads.length || bucketCount !== 2 ** header.features.hashBits) throw new Error('Moderation weights disagree with their header');
  let offset = fixedHeaderBytes;
  const heads = header.heads.map((headHeader) => {
    if (!isModerationCategory(headHeader.category)) throw new Error(`Unknown category ${String(headHeader.category)} in artefact`);
    const bitmap = weights.subarray(offset, offset + bucketCount / 8);
    offset += bucketCount / 8;
    const levels = new Int8Array(bucketCount);
    for (let bucket = 0; bucket < bucketCount; bucket += 1) {
      if (((bitmap[bucket >>> 3] as number) & (1 << (bucket & 7))) !== 0) {
        levels[bucket] = view.getInt8(offset);
        offset += 1;
      }
    }
    return { category: headHeader.category, bias: headHeader.bias, scale: headHeader.scale, weights: levels };
  });
  if (offset !== weights.byteLength) throw new Error('Moderation weights file has trailing or missing bytes');
  return { features: { ...header.features }, heads };
}

/** Decodes an artefact straight to the model `ModerationClassifier` takes. */
export function decodeModelArtifact(header: ModelArtifactHeader, weights: Uint8Array): ClassifierModel {
  return dequantizeModel(decodeQuantizedModel(header, weights), header.metadata);
}

function concatenate(parts: readonly Uint8Array[]): Uint8Array {
  const total = parts.reduce((sum, part) => sum + part.byteLength, 0);
  const output = new Uint8Array(total);
  let offset = 0;
  for (const part of parts) {
    output.set(part, offset);
    offset += part.byteLength;
  }
  return output;
}
