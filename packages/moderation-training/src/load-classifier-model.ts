import { readFileSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ClassifierModel } from '@charter/core';
import { decodeModelArtifact, type ModelArtifactHeader } from './model-artifact.js';

/** Path of the built artefact header (`model/moderation-model.json`, not in git: see ensure-classifier-model.ts). */
export const builtModelPath = fileURLToPath(new URL('../model/moderation-model.json', import.meta.url));

/**
 * Loads a classifier artefact. `path` may name the JSON header or the `.bin` weights beside it; the
 * weights' SHA-256 is checked against the header.
 */
export function loadClassifierModel(path: string = builtModelPath): ClassifierModel {
  const headerPath = path.endsWith('.bin') ? path.slice(0, -'.bin'.length) + '.json' : path;
  const header = JSON.parse(readFileSync(headerPath, 'utf8')) as ModelArtifactHeader;
  const weights = readFileSync(join(dirname(headerPath), header.weightsFile));
  return decodeModelArtifact(header, new Uint8Array(weights.buffer, weights.byteOffset, weights.byteLength));
}

/** Writes header and weights; the weights file name is the header's with `.bin`. */
export function writeModelArtifactFiles(headerPath: string, header: ModelArtifactHeader, weights: Uint8Array): void {
  if (header.weightsFile !== basename(headerPath).replace(/\.json$/, '.bin')) throw new Error('weightsFile must sit beside the header with the same name');
  writeFileSync(join(dirname(headerPath), header.weightsFile), weights);
  writeFileSync(headerPath, `${JSON.stringify(header, null, 2)}\n`);
}
