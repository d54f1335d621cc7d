/**
 * Version of the normalisation below. A trained artefact records the version it was trained with; change
 * the number whenever the output of `normalizeModerationText` changes, because old weights no longer fit.
 */
export const moderationNormalizerVersion = 1;

// Characters used to dodge filters: zero-width spaces and joiners, word joiner, BOM, soft hyphen.
const invisibleCharacters = /[\u00ad\u180e\u200b-\u200f\u2060-\u2064\ufeff]/g;
const combiningMarks = /\p{M}+/gu;
const nonAscii = /[^\x00-\x7f]/;
// Three or more single letters split by one separator: "k i l l", "k.i.l.l", "k-i-l-l".
const spacedLetters = /(?<![\p{L}\p{N}])\p{L}(?:[ .\-_*]\p{L}){2,}(?![\p{L}\p{N}])/gu;
const separators = /[ .\-_*]/g;

// Look-alike digits and symbols, folded only when they sit inside a word (see `foldLeetspeak`).
const leetLetters: Readonly<Record<string, string>> = {
  '0': 'o', '1': 'i', '3': 'e', '4': 'a', '5': 's', '7': 't', '@': 'a', '$': 's', '!': 'i',
};

/**
 * Normalises text for scoring and rule matching: NFKC (full-width and stylised letters to plain ones),
 * lower case, invisible characters and accents removed, leetspeak folded inside words ("k1ll" → "kill",
 * "@ss" → "ass"), letter runs longer than two cut to two ("kiiill" → "kiill"), spaced-out letters joined
 * ("k.i.l.l" → "kill") and whitespace collapsed. Cheap on plain ASCII, which is most traffic.
 */
export function normalizeModerationText(text: string): string {
  let normalized = text;
  if (nonAscii.test(normalized)) {
    normalized = normalized
      .normalize('NFKC')
      .replace(invisibleCharacters, '')
      // NFD then dropping marks strips accents ("é" → "e") and Arabic vowel signs alike.
      .normalize('NFD')
      .replace(combiningMarks, '')
      .normalize('NFC');
  }
  normalized = normalized.toLowerCase();
  normalized = foldLeetspeak(normalized);
  if (spacedLettersPossible(normalized)) {
    normalized = normalized.replace(spacedLetters, (match) => match.replace(separators, ''));
  }
  return normalized;
}

function spacedLettersPossible(text: string): boolean {
  // Cheap prefilter: the regex only matters when some letter is followed by a separator and a letter
  // that is in turn followed by a separator; ordinary prose rarely has single-letter words in a row.
  const length = text.length;
  let singles = 0;
  for (let index = 0; index < length; index += 1) {
    const before = index === 0 ? 32 : text.charCodeAt(index - 1);
    const after = index + 1 < length ? text.charCodeAt(index + 1) : 32;
    if (isLetterCode(text.charCodeAt(index)) && !isLetterCode(before) && !isLetterCode(after)) {
      singles += 1;
      if (singles >= 3) return true;
    } else if (isLetterCode(text.charCodeAt(index))) {
      singles = 0;
    }
  }
  return false;
}

/**
 * One pass over the lower-cased text: folds look-alikes inside words, cuts letter runs, collapses
 * whitespace. A look-alike counts as a letter only between two letters ("sh1t"), or at a word edge next
 * to at least two letters ("@ss", "h3ll0"), so that "mp3 players", "24/7" and "5g" are left alone mostly.
 */
function foldLeetspeak(text: string): string {
  const length = text.length;
  let output = '';
  let previousOutput = -1;
  let repeatCount = 0;
  let changed = false;
  let lastWasSpace = true;
  for (let index = 0; index < length; index += 1) {
    let character = text[index] as string;
    const code = text.charCodeAt(index);
    if (code === 32 || code === 9 || code === 10 || code === 13) {
      if (lastWasSpace) {
        changed = true;
        continue;
      }
      if (code !== 32) changed = true;
      character = ' ';
      lastWasSpace = true;
      output += character;
      previousOutput = 32;
      repeatCount = 1;
      continue;
    }
    lastWasSpace = false;
    const leet = leetLetters[character];
    if (leet !== undefined && isLeetInsideWord(text, index)) {
      character = leet;
      changed = true;
    }
    const outputCode = character.charCodeAt(0);
    if (outputCode === previousOutput && isLetterCode(outputCode)) {
      repeatCount += 1;
      if (repeatCount > 2) {
        changed = true;
        continue;
      }
    } else {
      repeatCount = 1;
      previousOutput = outputCode;
    }
    output += character;
  }
  if (!changed) return text;
  return output.endsWith(' ') ? output.slice(0, -1) : output;
}

function isLeetInsideWord(text: string, index: number): boolean {
  const before = index > 0 ? text.charCodeAt(index - 1) : 32;
  const after = index + 1 < text.length ? text.charCodeAt(index + 1) : 32;
  const isLetterBefore = isLetterCode(before);
  const isLetterAfter = isLetterCode(after);
  if (isLetterBefore && isLetterAfter) return true;
  // Word start: "@ss", "$hit" — needs two letters after it; "!" never starts a word.
  if (!isLetterBefore && isLetterAfter) {
    if (text[index] === '!') return false;
    return !isWordCode(before) && index + 2 < text.length && isLetterCode(text.charCodeAt(index + 2));
  }
  // Word end: "h3ll0" — a digit only (a trailing "!" is punctuation), nothing word-like after it, and at
  // least three letters or look-alikes before it, so that "mp3" stays as it is.
  if (isLetterBefore && !isLetterAfter) {
    const code = text.charCodeAt(index);
    if (code < 48 || code > 57 || isWordCode(after)) return false;
    let run = 0;
    for (let back = index - 1; back >= 0 && run < 3; back -= 1) {
      const previous = text[back] as string;
      if (!isLetterCode(text.charCodeAt(back)) && leetLetters[previous] === undefined) break;
      run += 1;
    }
    return run >= 3;
  }
  return false;
}

function isLetterCode(code: number): boolean {
  return (code >= 97 && code <= 122) || (code >= 65 && code <= 90) || (code > 127 && !isSeparatorCode(code));
}

function isWordCode(code: number): boolean {
  return isLetterCode(code) || (code >= 48 && code <= 57);
}

/** Non-ASCII code units that separate words: general and CJK punctuation, spaces, symbols. */
export function isSeparatorCode(code: number): boolean {
  return (
    (code >= 0x2000 && code <= 0x206f) ||
    (code >= 0x3000 && code <= 0x303f) ||
    (code >= 0xff00 && code <= 0xff0f) ||
    (code >= 0xfe30 && code <= 0xfe4f) ||
    code === 0x00a0 ||
    (code >= 0x00a1 && code <= 0x00bf) ||
    code === 0x00d7 ||
    code === 0x00f7 ||
    code === 0x060c ||
    code === 0x061b ||
    code === 0x061f ||
    code === 0x06d4 ||
    (code >= 0x2190 && code <= 0x2bff) ||
    (code >= 0xd800 && code <= 0xdfff)
  );
}
