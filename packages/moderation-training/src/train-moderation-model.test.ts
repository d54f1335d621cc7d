import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { defaultFeatureConfig } from '@charter/core';
import { benignHardNegatives } from './benign-hard-negatives.js';
import { generateRequests } from './generated-requests.js';
import type { LabelledExample } from './labelled-example.js';
import { encodeModelArtifact } from './model-artifact.js';
import { defaultDatasetDirectory } from './ensure-classifier-model.js';
import { trainAndWriteArtifact } from './train-and-write-artifact.js';
import { defaultTrainingOptions, trainModerationModel, type TrainingOptions } from './train-moderation-model.js';

// Small and fast: 2^12 buckets, two epochs. The point is determinism, not quality.
const options: TrainingOptions = { ...defaultTrainingOptions, features: { ...defaultFeatureConfig, hashBits: 12 }, epochs: 2 };

function handWrittenExamples(): LabelledExample[] {
  const generated = generateRequests(25).map((request): LabelledExample => ({
    text: request.text,
    source: 'generated_requests',
    positives: request.category === 'benign' ? [] : [request.category],
    isBenign: request.category === 'benign',
    isExclusive: true,
    weight: 1,
    splitKey: request.text,
    direction: 'input',
    isSensitiveBenign: false,
  }));
  const negatives = benignHardNegatives.map((text): LabelledExample => ({
    text,
    source: 'hand_written_hard_negatives',
    positives: [],
    isBenign: true,
    isExclusive: true,
    weight: 3,
    splitKey: text,
    direction: 'input',
    isSensitiveBenign: true,
  }));
  return [...generated, ...negatives];
}

const datasetDirectory = defaultDatasetDirectory;
const temporary = mkdtempSync(join(tmpdir(), 'moderation-training-'));
afterAll(() => rmSync(temporary, { recursive: true, force: true }));

describe('trainModerationModel', () => {
  it('AUP-1 training twice on the same examples gives byte-identical artefacts', () => {
    const examples = handWrittenExamples();
    const first = trainModerationModel(examples, options);
    const second = trainModerationModel(examples, options);
    const firstArtifact = encodeModelArtifact(first.quantized, 'model.bin', { heads: first.heads });
    const secondArtifact = encodeModelArtifact(second.quantized, 'model.bin', { heads: second.heads });
    expect(Buffer.from(secondArtifact.weights).equals(Buffer.from(firstArtifact.weights))).toBe(true);
    expect(JSON.stringify(secondArtifact.header)).toBe(JSON.stringify(firstArtifact.header));
  });

  it('AUP-1 the trained heads separate the generated harmful requests from the benign ones', () => {
    const result = trainModerationModel(handWrittenExamples(), options);
    expect(result.heads.find((head) => head.category === 'violence_extremism')?.trainPositives).toBeGreaterThan(10);
    expect(result.model.heads).toHaveLength(options.categories.length);
  });

  // Reads the real datasets (not committed: they sit outside the repository). A 1-in-60 subsample keeps
  // this to a few seconds.
  it.skipIf(!existsSync(datasetDirectory))('AUP-1 retraining on a dataset subsample writes identical files', () => {
    const write = (name: string) =>
      trainAndWriteArtifact({ datasetDirectory, headerPath: join(temporary, `${name}.json`), sampleEvery: 60, training: options });
    write('first');
    write('second');
    expect(readFileSync(join(temporary, 'second.bin')).equals(readFileSync(join(temporary, 'first.bin')))).toBe(true);
    const firstHeader = readFileSync(join(temporary, 'first.json'), 'utf8').replaceAll('first.bin', 'x.bin');
    const secondHeader = readFileSync(join(temporary, 'second.json'), 'utf8').replaceAll('second.bin', 'x.bin');
    expect(secondHeader).toBe(firstHeader);
  });
});
