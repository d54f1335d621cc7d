import { describe, expect, it } from 'vitest';
import { FeatureHasher, defaultFeatureConfig, fnv1a32, nextChunkEnd } from './feature-hasher.js';

describe('FeatureHasher', () => {
  it('AUP-1 uses standard 32-bit FNV-1a', () => {
    expect(fnv1a32('')).toBe(0x811c9dc5);
    expect(fnv1a32('a')).toBe(0xe40c292c);
    expect(fnv1a32('foobar')).toBe(0xbf9cf968);
  });

  it('AUP-1 is deterministic and stays inside the bucket range', () => {
    const hasher = new FeatureHasher(defaultFeatureConfig);
    const first = Array.from(hasher.hash('how do i kill a python process'));
    const second = Array.from(hasher.hash('how do i kill a python process'));
    expect(first).toEqual(second);
    expect(first.every((bucket) => bucket >= 0 && bucket < hasher.bucketCount)).toBe(true);
  });

  it('AUP-1 emits word uni/bigrams and word-bounded character 3–5-grams', () => {
    const hasher = new FeatureHasher({ ...defaultFeatureConfig, hashBits: 20 });
    // "ab": unigram, padded " ab " gives 3-grams " ab", "ab " and the 4-gram " ab " → 4 features.
    expect(hasher.hash('ab')).toHaveLength(4);
    // Two words add a bigram; n-grams never span the space between them.
    expect(hasher.hash('ab cd')).toHaveLength(4 + 4 + 1);
    // Punctuation between words breaks the bigram.
    expect(hasher.hash('ab. cd')).toHaveLength(4 + 4);
    const oneWord = new Set(hasher.hash('kill'));
    const inPhrase = new Set(hasher.hash('please kill it'));
    for (const bucket of oneWord) expect(inPhrase.has(bucket)).toBe(true);
  });

  it('AUP-1 chunks long texts at spaces', () => {
    const text = 'word '.repeat(1000);
    const end = nextChunkEnd(text, 0, 2000);
    expect(end).toBeLessThanOrEqual(2000);
    expect(text[end]).toBe(' ');
    expect(nextChunkEnd('short', 0, 2000)).toBe(5);
  });
});
