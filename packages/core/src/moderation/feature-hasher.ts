import { isSeparatorCode } from './normalize-moderation-text.js';

/** How text becomes hashed features. Stored in every artefact: scoring must use the training settings. */
export interface FeatureConfig {
  /** 32-bit FNV-1a, finalised with murmur3's fmix32 so that the top bits are well mixed. */
  hashAlgorithm: 'fnv1a32-fmix32';
  /** Number of buckets is 2 ** hashBits. */
  hashBits: number;
  /** 1 = word unigrams only, 2 = unigrams and bigrams. */
  wordNgramMax: number;
  /** Character n-grams inside each space-padded word, from `charNgramMin` to `charNgramMax` characters. */
  charNgramMin: number;
  charNgramMax: number;
  /** Longer words (URLs, base64) contribute character n-grams from their first this-many characters only. */
  maxWordCharsForCharNgrams: number;
  /** Long texts are scored in chunks of about this many characters and each head takes its highest chunk. */
  chunkChars: number;
  /** `moderationNormalizerVersion` the weights were trained with. */
  normalizerVersion: number;
}

/** The feature settings used by the committed artefact. */
export const defaultFeatureConfig: Readonly<FeatureConfig> = Object.freeze({
  hashAlgorithm: 'fnv1a32-fmix32',
  hashBits: 17,
  wordNgramMax: 2,
  charNgramMin: 3,
  charNgramMax: 5,
  maxWordCharsForCharNgrams: 32,
  chunkChars: 2000,
  normalizerVersion: 1,
});

const fnvOffsetBasis = 0x811c9dc5;
const fnvPrime = 0x01000193;
// Different starting states keep words, bigrams and character n-grams apart in the same hash space.
const wordSeed = fnvOffsetBasis ^ 0x5bd1e995;
const characterSeed = fnvOffsetBasis;
const bigramSalt = 0x27d4eb2f;
const space = 32;

/** 32-bit FNV-1a of a string's UTF-16 code units. Exported for tests and for deterministic splits. */
export function fnv1a32(text: string, seed: number = fnvOffsetBasis): number {
  let hash = seed >>> 0;
  for (let index = 0; index < text.length; index += 1) {
    hash = Math.imul(hash ^ text.charCodeAt(index), fnvPrime);
  }
  return hash >>> 0;
}

/** murmur3's 32-bit finaliser: spreads every input bit over the whole word. */
export function fmix32(value: number): number {
  let hash = value;
  hash ^= hash >>> 16;
  hash = Math.imul(hash, 0x85ebca6b);
  hash ^= hash >>> 13;
  hash = Math.imul(hash, 0xc2b2ae35);
  hash ^= hash >>> 16;
  return hash >>> 0;
}

/**
 * Turns normalised text into bucket indices: word uni- and bigrams plus word-boundary-aware character
 * n-grams (each word padded with a space on both sides, n-grams never cross words). Buckets repeat when a
 * feature repeats, so the caller can sum weights without counting. Not re-entrant: the returned array is
 * a view of an internal buffer that the next call overwrites, which keeps scoring free of allocation.
 */
export class FeatureHasher {
  readonly config: Readonly<FeatureConfig>;
  private readonly shift: number;
  private buffer: Int32Array;
  private codes: Uint16Array;

  constructor(config: Readonly<FeatureConfig>) {
    if (config.hashAlgorithm !== 'fnv1a32-fmix32') throw new Error(`Unsupported feature hash ${String(config.hashAlgorithm)}`);
    if (!Number.isInteger(config.hashBits) || config.hashBits < 8 || config.hashBits > 24) {
      throw new Error(`hashBits must be an integer from 8 to 24, not ${config.hashBits}`);
    }
    this.config = config;
    this.shift = 32 - config.hashBits;
    this.buffer = new Int32Array(4096);
    this.codes = new Uint16Array(config.maxWordCharsForCharNgrams + 2);
  }

  /** Number of buckets (2 ** hashBits). */
  get bucketCount(): number {
    return 2 ** this.config.hashBits;
  }

  /** Bucket indices of `normalized.slice(start, end)`; valid until the next call. */
  hash(normalized: string, start = 0, end = normalized.length): Int32Array {
    const { charNgramMin, charNgramMax, maxWordCharsForCharNgrams, wordNgramMax } = this.config;
    // Upper bound: per character at most (max - min + 1) n-grams, plus two word features per word.
    const bound = (end - start + 2) * (charNgramMax - charNgramMin + 1) + (end - start) * 2 + 8;
    if (this.buffer.length < bound) this.buffer = new Int32Array(Math.max(bound, this.buffer.length * 2));
    const buffer = this.buffer;
    const codes = this.codes;
    const shift = this.shift;
    let count = 0;
    let previousWordHash = 0;
    let hasPreviousWord = false;
    let index = start;
    while (index < end) {
      let code = normalized.charCodeAt(index);
      if (!isWordCharacter(normalized, index, start, end)) {
        // Punctuation other than sentence-internal ones breaks bigrams across sentences and clauses.
        if (code !== space && code !== 39 && code !== 34) hasPreviousWord = false;
        index += 1;
        continue;
      }
      const wordStart = index;
      let wordHash = wordSeed;
      while (index < end && isWordCharacter(normalized, index, start, end)) {
        code = normalized.charCodeAt(index);
        wordHash = Math.imul(wordHash ^ code, fnvPrime);
        index += 1;
      }
      buffer[count++] = fmix32(wordHash) >>> shift;
      if (wordNgramMax >= 2 && hasPreviousWord) {
        buffer[count++] = fmix32(Math.imul(previousWordHash, 0x9e3779b1) ^ wordHash ^ bigramSalt) >>> shift;
      }
      previousWordHash = wordHash;
      hasPreviousWord = true;

      // Character n-grams of " word ", computed from each start position by extending one FNV state.
      const wordLength = Math.min(index - wordStart, maxWordCharsForCharNgrams);
      const paddedLength = wordLength + 2;
      codes[0] = space;
      for (let offset = 0; offset < wordLength; offset += 1) codes[offset + 1] = normalized.charCodeAt(wordStart + offset);
      codes[paddedLength - 1] = space;
      for (let from = 0; from + charNgramMin <= paddedLength; from += 1) {
        let characterHash = characterSeed;
        const limit = Math.min(from + charNgramMax, paddedLength);
        for (let to = from; to < limit; to += 1) {
          characterHash = Math.imul(characterHash ^ (codes[to] as number), fnvPrime);
          if (to - from + 1 >= charNgramMin) buffer[count++] = fmix32(characterHash) >>> shift;
        }
      }
    }
    return buffer.subarray(0, count);
  }
}

/**
 * End of the chunk that starts at `start`: at most `chunkChars` characters, cut at the last space in its
 * second half so that words stay whole. Training and scoring share it so that both see the same chunks.
 */
export function nextChunkEnd(normalized: string, start: number, chunkChars: number): number {
  const length = normalized.length;
  const end = Math.min(length, start + chunkChars);
  if (end >= length) return length;
  const lastSpace = normalized.lastIndexOf(' ', end);
  return lastSpace > start + chunkChars / 2 ? lastSpace : end;
}

function isWordCharacter(text: string, index: number, start: number, end: number): boolean {
  const code = text.charCodeAt(index);
  if ((code >= 97 && code <= 122) || (code >= 48 && code <= 57) || (code >= 65 && code <= 90)) return true;
  if (code > 127) return !isSeparatorCode(code);
  // Apostrophes and masking asterisks inside words ("don't", "f*ck") belong to the word.
  if (code === 39 || code === 42) {
    return index > start && index + 1 < end && isAlphanumeric(text.charCodeAt(index - 1)) && isAlphanumeric(text.charCodeAt(index + 1));
  }
  return false;
}

function isAlphanumeric(code: number): boolean {
  return (code >= 97 && code <= 122) || (code >= 48 && code <= 57) || (code >= 65 && code <= 90) || (code > 127 && !isSeparatorCode(code));
}
