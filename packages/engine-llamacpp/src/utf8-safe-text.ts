const replacementCharacter = '\uFFFD';

/**
 * Turns a stream of detokenized text chunks into deltas that contain only whole Unicode characters.
 *
 * Byte-fallback tokens carry single UTF-8 bytes, so a chunk can end in the middle of a character: the
 * detokenizer then yields U+FFFD for the incomplete bytes, and a string cut between the halves of a
 * surrogate pair ends in a lone high surrogate. Both are held back until the next chunk completes them
 * (or the stream ends), so no delta ever ends mid-character.
 */
export class Utf8SafeText {
  #pending = '';

  /** Add a chunk; returns the text that is safe to emit now (possibly empty). */
  push(chunk: string): string {
    const text = this.#pending + chunk;
    const safeLength = safePrefixLength(text);
    this.#pending = text.slice(safeLength);
    return toWellFormed(text.slice(0, safeLength));
  }

  /**
   * End of stream: returns whatever was held back. An incomplete character at the very end (generation
   * stopped mid-character) stays a single U+FFFD, and a lone surrogate becomes one, so the result is
   * still well-formed.
   */
  flush(): string {
    const rest = this.#pending;
    this.#pending = '';
    return toWellFormed(rest);
  }
}

/** Length of the longest prefix that does not end in a held-back unit (a high surrogate or U+FFFD). */
function safePrefixLength(text: string): number {
  let end = text.length;
  while (end > 0) {
    const lastUnit = text.charCodeAt(end - 1);
    const isHighSurrogate = lastUnit >= 0xd800 && lastUnit <= 0xdbff;
    if (!isHighSurrogate && text[end - 1] !== replacementCharacter) break;
    end -= 1;
  }
  return end;
}

/** Replace lone surrogates with U+FFFD (String.prototype.toWellFormed is newer than our ES2023 lib). */
function toWellFormed(text: string): string {
  if (!/[\uD800-\uDFFF]/.test(text)) return text;
  let result = '';
  for (let index = 0; index < text.length; index += 1) {
    const unit = text.charCodeAt(index);
    if (unit >= 0xd800 && unit <= 0xdbff) {
      const next = text.charCodeAt(index + 1);
      if (next >= 0xdc00 && next <= 0xdfff) {
        result += text[index]! + text[index + 1]!;
        index += 1;
        continue;
      }
      result += replacementCharacter;
      continue;
    }
    result += unit >= 0xdc00 && unit <= 0xdfff ? replacementCharacter : text[index]!;
  }
  return result;
}
