import { mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { defaultDatasetDirectory } from './ensure-classifier-model.js';
import { builtModelPath } from './load-classifier-model.js';
import { trainAndWriteArtifact } from './train-and-write-artifact.js';

// Command line: npx tsx packages/moderation-training/src/train.ts [--data DIR] [--out model.json]
//   [--allow-share-alike] [--sample-every N]. The dataset directory may also come from
//   CHARTER_MODERATION_DATASETS.
const { values } = parseArgs({
  options: {
    data: { type: 'string' },
    out: { type: 'string' },
    'allow-share-alike': { type: 'boolean', default: false },
    'sample-every': { type: 'string' },
  },
});

const datasetDirectory = resolve(values.data ?? defaultDatasetDirectory);
const headerPath = resolve(values.out ?? builtModelPath);
mkdirSync(dirname(headerPath), { recursive: true });
const startedAt = performance.now();
const result = trainAndWriteArtifact({
  datasetDirectory,
  headerPath,
  allowShareAlike: values['allow-share-alike'] ?? false,
  sampleEvery: values['sample-every'] === undefined ? 1 : Number(values['sample-every']),
  log: (message) => console.log(message),
});
console.log(`wrote ${headerPath} and ${result.header.weightsFile} (${result.weights.byteLength} bytes) in ${((performance.now() - startedAt) / 1000).toFixed(1)} s`);
