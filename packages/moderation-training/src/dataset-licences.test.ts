import { describe, expect, it } from 'vitest';
import { isDatasetAllowed } from './dataset-licences.js';

describe('dataset licences', () => {
  it('AUP-1 trains on permissively licensed data only unless share-alike is opted into', () => {
    expect(isDatasetAllowed('davidson_hate_offensive_labeled_data.csv.gz', { allowShareAlike: false })).toBe(true);
    expect(isDatasetAllowed('stormfront_hate_vicomtech.jsonl.gz', { allowShareAlike: false })).toBe(false);
    expect(isDatasetAllowed('stormfront_hate_vicomtech.jsonl.gz', { allowShareAlike: true })).toBe(true);
    expect(isDatasetAllowed('presidio_synth_pii_v2.json.gz', { allowShareAlike: true })).toBe(false);
    expect(isDatasetAllowed('some_benchmark_we_do_not_know.jsonl', { allowShareAlike: true })).toBe(false);
  });
});
