import { describe, expect, it } from 'vitest';
import { Utf8SafeText } from './utf8-safe-text.js';

function isWellFormed(text: string): boolean {
  return !/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/.test(text);
}

describe('Utf8SafeText', () => {
  it('API-3 holds back a lone high surrogate until its pair arrives', () => {
    const text = new Utf8SafeText();
    const emoji = '👩‍💻';
    expect(text.push(`a${emoji[0]}`)).toBe('a');
    expect(text.push(emoji.slice(1))).toBe(emoji);
    expect(text.flush()).toBe('');
  });

  it('API-3 holds back a trailing replacement character (an incomplete UTF-8 sequence) until more text comes', () => {
    const text = new Utf8SafeText();
    expect(text.push('中\uFFFD')).toBe('中');
    expect(text.push('文')).toBe('\uFFFD文');
    expect(text.push('x\uFFFD')).toBe('x');
    expect(text.flush()).toBe('\uFFFD');
  });

  it('API-3 never emits lone surrogates, even when the stream ends mid-pair', () => {
    const text = new Utf8SafeText();
    const pieces = [text.push('\uD83D'), text.push('\uDC4D'), text.push('\uDC4D'), text.push('\uD83C'), text.flush()];
    expect(pieces.join('')).toBe('👍\uFFFD\uFFFD');
    for (const piece of pieces) expect(isWellFormed(piece)).toBe(true);
  });

  it('API-3 splitting any multilingual string at every code unit yields well-formed deltas that rejoin exactly', () => {
    const sample = 'Hi 中文 العربية עברית हिन्दी ไทย é 👩‍💻 🇯🇵';
    for (let cut = 0; cut <= sample.length; cut += 1) {
      const text = new Utf8SafeText();
      const pieces = [text.push(sample.slice(0, cut)), text.push(sample.slice(cut)), text.flush()];
      expect(pieces.join('')).toBe(sample);
      for (const piece of pieces) expect(Buffer.from(piece).toString()).toBe(piece);
    }
  });
});
