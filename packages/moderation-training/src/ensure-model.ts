import { ensureClassifierModel } from './ensure-classifier-model.js';

// Command line (run before the tests): train the classifier artefact if it is missing.
const outcome = ensureClassifierModel({ log: (message) => console.log(message) });
if (outcome === 'unavailable') {
  console.error('The moderation classifier is missing and no datasets were found: set CHARTER_MODERATION_DATASETS.');
  process.exitCode = 1;
}
