import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { builtModelPath } from './load-classifier-model.js';
import { trainAndWriteArtifact, trainingRecipeVersion } from './train-and-write-artifact.js';

/** `../shared/datasets/moderation` beside the repository, overridable with CHARTER_MODERATION_DATASETS. */
export const defaultDatasetDirectory =
  process.env['CHARTER_MODERATION_DATASETS'] ?? fileURLToPath(new URL('../../../../shared/datasets/moderation', import.meta.url));

/**
 * The classifier artefact is built, not committed: training is deterministic (the same datasets give the
 * same bytes), so a missing artefact, or one built by an older training recipe, is trained from the
 * datasets (about a minute). An outdated artefact is kept when the datasets are not there. Returns
 * `unavailable` when neither the artefact nor the datasets are there.
 */
export function ensureClassifierModel(options: { datasetDirectory?: string; log?: (message: string) => void } = {}): 'present' | 'trained' | 'unavailable' {
  const isPresent = existsSync(builtModelPath);
  if (isPresent && builtRecipeVersion() === trainingRecipeVersion) return 'present';
  const datasetDirectory = options.datasetDirectory ?? defaultDatasetDirectory;
  if (!existsSync(datasetDirectory)) return isPresent ? 'present' : 'unavailable';
  mkdirSync(dirname(builtModelPath), { recursive: true });
  options.log?.(`training the moderation classifier from ${datasetDirectory} (once per training recipe; about a minute)`);
  trainAndWriteArtifact({ datasetDirectory, headerPath: builtModelPath, allowShareAlike: false, sampleEvery: 1, log: () => {} });
  return 'trained';
}

function builtRecipeVersion(): unknown {
  try {
    const header = JSON.parse(readFileSync(builtModelPath, 'utf8')) as { metadata?: { training?: { recipeVersion?: unknown } } };
    return header.metadata?.training?.recipeVersion;
  } catch {
    return undefined;
  }
}
