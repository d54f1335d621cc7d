// Compares training options without looking at the held-out split:
//   npx tsx packages/moderation-training/src/compare-training-options.ts [--data DIR] candidate…
// The validation split is halved by a second hash: one half tunes the thresholds as in a real training
// run, the other ("selection") half measures what each candidate gives — binary F1 and the false-positive
// rate on its hand-written sensitive-but-benign prompts. The held-out split is neither trained, tuned
// nor scored here; the benchmark alone reads it, once the options are chosen.
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { ContentModerator, ModerationClassifier, defaultFeatureConfig, defaultModerationPolicy, moderationCategories, type ModerationCategory } from '@charter/core';
import { binaryMetrics } from './classification-metrics.js';
import { defaultDatasetDirectory } from './ensure-classifier-model.js';
import type { LabelledExample } from './labelled-example.js';
import { readModerationDatasets } from './read-moderation-datasets.js';
import { splitExamples, stableHash, type DataSplit } from './split-examples.js';
import { variedBenignHardNegatives } from './varied-benign-hard-negatives.js';
import { defaultTrainingOptions, prepareTrainingData, trainModerationModel, type TrainingOptions } from './train-moderation-model.js';

// Option sets tried for the 2026-11-29 retraining (results in docs/moderation.md). `withoutVaried` trains
// and tunes without the second batch of hand-written hard negatives (the selection half still scores
// them), which shows what that batch itself changes; the `…Weight…` candidates reweight data (below).
const candidates: Readonly<Record<string, Partial<TrainingOptions>>> = {
  default: {},
  withoutVaried: {},
  margin05: { hardNegativeMarginLogit: 0.5 },
  margin1: { hardNegativeMarginLogit: 1 },
  epochs10: { epochs: 10 },
  margin075: { hardNegativeMarginLogit: 0.75 },
  shortInFloor: { hardNegativeSources: ['hand_written_benign_requests', 'hand_written_system_prompts', 'hand_written_short_texts'] },
  hardNegativeWeight6: {},
  shortWeight6: {},
  lexiconWeight01: {},
  upweight6: { maxPositiveUpweight: 6 },
  bits18: { features: { ...defaultFeatureConfig, hashBits: 18 } },
  margin1epochs10: { hardNegativeMarginLogit: 1, epochs: 10 },
  margin1bits18: { hardNegativeMarginLogit: 1, features: { ...defaultFeatureConfig, hashBits: 18 } },
  margin1upweight6: { hardNegativeMarginLogit: 1, maxPositiveUpweight: 6 },
};

const reweighted: Readonly<Record<string, (example: LabelledExample) => number>> = {
  hardNegativeWeight6: (example) => (example.isSensitiveBenign ? 6 : example.weight),
  shortWeight6: (example) => (example.source === 'hand_written_short_texts' ? 6 : example.weight),
  lexiconWeight01: (example) => (example.source === 'lexicon_surgeai' ? 0.1 : example.weight),
};

const { values, positionals } = parseArgs({ options: { data: { type: 'string' } }, allowPositionals: true });
const datasets = readModerationDatasets(resolve(values.data ?? defaultDatasetDirectory));
const selection: LabelledExample[] = [];
const isSelection = (example: LabelledExample): boolean => stableHash(`selection:${example.splitKey}`) % 2 === 1;
const varied = new Set(variedBenignHardNegatives);
const splitKeepingSelectionAside =
  (isVariedUsed: boolean) =>
  (examples: readonly LabelledExample[]): Record<DataSplit, LabelledExample[]> => {
    const parts = splitExamples(examples);
    const isUsed = (example: LabelledExample): boolean => isVariedUsed || !varied.has(example.text);
    selection.splice(0, selection.length, ...parts.validation.filter(isSelection));
    return { train: parts.train.filter(isUsed), validation: parts.validation.filter((example) => !isSelection(example) && isUsed(example)), held_out: parts.held_out };
  };

for (const name of positionals.length > 0 ? positionals : Object.keys(candidates)) {
  const options: TrainingOptions = { ...defaultTrainingOptions, ...candidates[name] };
  const weightOf = reweighted[name];
  const examples = weightOf === undefined ? datasets.examples : datasets.examples.map((example) => ({ ...example, weight: weightOf(example) }));
  const prepared = prepareTrainingData(examples, options.features, splitKeepingSelectionAside(name !== 'withoutVaried'));
  const result = trainModerationModel(prepared, options);
  const thresholds = result.heads.map((head) => `${head.category.slice(0, 12)} ${head.tunedLogitThreshold.toFixed(2)} F1 ${head.validation.f1.toFixed(2)}`);
  console.log(`${name}: thresholds (logit) and tuning-half F1: ${thresholds.join('; ')}`);
  const moderator = new ContentModerator({ classifier: new ModerationClassifier(result.model) });
  const isFlagged = (example: LabelledExample): boolean => {
    const scores = moderator.scoreCategories({ text: example.text, direction: example.direction });
    return moderationCategories.some((category: ModerationCategory) => {
      const policy = defaultModerationPolicy.categories[category];
      return category !== 'regulated_advice' && policy[example.direction] !== 'allow' && (scores.get(category)?.score ?? 0) >= policy.threshold;
    });
  };
  const labelled = selection.filter((example) => example.isBenign || example.positives.length > 0);
  const metrics = binaryMetrics(labelled.map(isFlagged), labelled.map((example) => example.positives.length > 0));
  const sensitive = selection.filter((example) => example.isSensitiveBenign);
  const flagged = sensitive.filter(isFlagged);
  const flaggedCategories = (example: LabelledExample): string =>
    [...moderator.scoreCategories({ text: example.text, direction: example.direction })]
      .filter(([category, entry]) => category !== 'regulated_advice' && entry.score >= defaultModerationPolicy.categories[category].threshold)
      .map(([category]) => category)
      .join(', ');
  console.log(
    `${name.padEnd(12)} selection n=${labelled.length} P ${metrics.precision.toFixed(3)} R ${metrics.recall.toFixed(3)} F1 ${metrics.f1.toFixed(3)}   sensitive-benign FPR ${flagged.length}/${sensitive.length} = ${(flagged.length / Math.max(1, sensitive.length)).toFixed(3)}`,
  );
  for (const example of flagged) console.log(`  flagged: ${JSON.stringify(example.text)} → ${flaggedCategories(example)}`);
  const shortTexts = [...selection, ...prepared.validation].filter((example) => example.source === 'hand_written_short_texts');
  console.log(`  validation short texts flagged: ${shortTexts.filter(isFlagged).map((example) => JSON.stringify(example.text)).join(', ') || 'none'} (of ${shortTexts.length})`);
}
