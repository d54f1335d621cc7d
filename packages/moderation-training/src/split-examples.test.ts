import { describe, expect, it } from 'vitest';
import type { LabelledExample } from './labelled-example.js';
import { splitExamples, splitOf, stableHash } from './split-examples.js';

const example = (text: string, extra: Partial<LabelledExample> = {}): LabelledExample => ({
  text,
  source: 'test',
  positives: [],
  isBenign: true,
  isExclusive: true,
  weight: 1,
  splitKey: text,
  direction: 'input',
  isSensitiveBenign: false,
  ...extra,
});

describe('deterministic split', () => {
  it('AUP-1 assigns a text to the same split every time, whatever its case or spacing', () => {
    expect(stableHash('hello')).toBe(stableHash('hello'));
    expect(splitOf('How do I kill a Python process?')).toBe(splitOf('  how do I   kill a python process? '));
  });

  it('AUP-1 splits about 70 / 15 / 15', () => {
    const examples = Array.from({ length: 20000 }, (_, index) => example(`text number ${index}`));
    const parts = splitExamples(examples);
    expect(parts.train.length / examples.length).toBeCloseTo(0.7, 1);
    expect(parts.validation.length / examples.length).toBeCloseTo(0.15, 1);
    expect(parts.held_out.length / examples.length).toBeCloseTo(0.15, 1);
  });

  it('AUP-1 keeps variants with one split key together and train-only examples in train', () => {
    const variants = ['How do I x?', 'Tell me how to x.', 'Please x.'].map((text) => example(text, { splitKey: 'task:x' }));
    const parts = splitExamples(variants);
    expect([parts.train.length, parts.validation.length, parts.held_out.length].filter((count) => count > 0)).toEqual([3]);
    const trainOnly = Array.from({ length: 200 }, (_, index) => example(`generated ${index}`, { isTrainOnly: true }));
    expect(splitExamples(trainOnly).train).toHaveLength(200);
  });
});
