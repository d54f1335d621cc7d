import { basename } from 'node:path';
import { datasetLicences } from './dataset-licences.js';
import { writeModelArtifactFiles } from './load-classifier-model.js';
import { encodeModelArtifact, type ModelArtifactHeader } from './model-artifact.js';
import { readModerationDatasets } from './read-moderation-datasets.js';
import { defaultTrainingOptions, trainModerationModel, type TrainingOptions, type TrainingResult } from './train-moderation-model.js';

/**
 * Version of the training recipe (data, labels, options). Raise it whenever a change would give other
 * weights, so that `ensureClassifierModel` retrains artefacts built before the change.
 */
export const trainingRecipeVersion = 2;

/** Inputs of one training run. */
export interface TrainAndWriteOptions {
  datasetDirectory: string;
  /** Where the JSON header goes; the weights go beside it with `.bin`. */
  headerPath: string;
  allowShareAlike?: boolean;
  sampleEvery?: number;
  training?: TrainingOptions;
  log?: (message: string) => void;
}

/** Reads the datasets, trains, and writes the artefact. Returns what was written. */
export function trainAndWriteArtifact(options: TrainAndWriteOptions): { header: ModelArtifactHeader; weights: Uint8Array; training: TrainingResult } {
  const log = options.log ?? (() => {});
  const training = options.training ?? defaultTrainingOptions;
  const datasets = readModerationDatasets(options.datasetDirectory, { allowShareAlike: options.allowShareAlike ?? false, sampleEvery: options.sampleEvery ?? 1 });
  log(`read ${datasets.examples.length} examples from ${datasets.filesRead.length} files`);
  const result = trainModerationModel(datasets.examples, training, log);
  const weightsFile = basename(options.headerPath).replace(/\.json$/, '') + '.bin';
  // Only deterministic facts go into the header (no dates, no paths), so retraining gives the same bytes.
  const metadata: Record<string, unknown> = {
    training: {
      recipeVersion: trainingRecipeVersion,
      epochs: training.epochs,
      learningRate: training.learningRate,
      l2: training.l2,
      seed: training.seed,
      maxPositiveUpweight: training.maxPositiveUpweight,
      positiveShare: training.positiveShare,
      hardNegativeQuantile: training.hardNegativeQuantile,
      hardNegativeMarginLogit: training.hardNegativeMarginLogit,
      hardNegativeSources: training.hardNegativeSources,
      sampleEvery: options.sampleEvery ?? 1,
      split: 'FNV-1a+fmix32 of the split key: 70% train, 15% validation, 15% held out',
    },
    datasets: datasets.filesRead.map((file) => ({ file, licence: datasetLicences.find((entry) => entry.file === file)?.licence ?? 'unknown' })),
    exampleCounts: result.exampleCounts,
    heads: result.heads.map((head) => ({
      category: head.category,
      trainPositives: head.trainPositives,
      trainNegatives: head.trainNegatives,
      positiveUpweight: head.positiveUpweight,
      tunedLogitThreshold: head.tunedLogitThreshold,
      validation: {
        positives: head.validation.positives,
        precision: round(head.validation.precision),
        recall: round(head.validation.recall),
        f1: round(head.validation.f1),
        averagePrecision: round(head.validation.averagePrecision),
      },
    })),
  };
  const { header, weights } = encodeModelArtifact(result.quantized, weightsFile, metadata);
  writeModelArtifactFiles(options.headerPath, header, weights);
  return { header, weights, training: result };
}

function round(value: number): number {
  return Math.round(value * 10000) / 10000;
}
