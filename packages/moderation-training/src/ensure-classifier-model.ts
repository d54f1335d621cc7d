import { existsSync, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { builtModelPath } from './load-classifier-model.js';
import { trainAndWriteArtifact } from './train-and-write-artifact.js';

/** `../shared/datasets/moderation` beside the repository, overridable with CHARTER_MODERATION_DATASETS. */
export const defaultDatasetDirectory =
  process.env['CHARTER_MODERATION_DATASETS'] ?? fileURLToPath(new URL('../../../../shared/datasets/moderation', import.meta.url));

/**
 * The classifier artefact is built, not committed: training is deterministic (the same datasets give the
 * same bytes), so a missing artefact is trained once from the datasets (about half a minute). Returns
 * `unavailable` when neither the artefact nor the datasets are there.
 */
export function ensureClassifierModel(options: { datasetDirectory?: string; log?: (message: string) => void } = {}): 'present' | 'trained' | 'unavailable' {
  if (existsSync(builtModelPath)) return 'present';
  const datasetDirectory = options.datasetDirectory ?? defaultDatasetDirectory;
  if (!existsSync(datasetDirectory)) return 'unavailable';
  mkdirSync(dirname(builtModelPath), { recursive: true });
  options.log?.(`training the moderation classifier from ${datasetDirectory} (once; about half a minute)`);
  trainAndWriteArtifact({ datasetDirectory, headerPath: builtModelPath, allowShareAlike: false, sampleEvery: 1, log: () => {} });
  return 'trained';
}
