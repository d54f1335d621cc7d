import { describe, expect, it } from 'vitest';
import { ContentModerator } from './content-moderator.js';
import { parseModerationPolicy } from './validate-moderation-policy.js';
import { OutputGuard, releaseEdge } from './output-guard.js';

function redactingGuard() {
  const moderator = new ContentModerator({ policy: parseModerationPolicy({ categories: { privacy_personal_data: { output: 'redact' } } }) });
  return new OutputGuard({ moderate: (text) => moderator.moderate({ text, direction: 'output' }), record: async () => {}, checkIntervalChars: 8, holdBackChars: 4 });
}

/** Stream `text` through a guard in pieces of `size` characters and return everything released. */
async function streamed(text: string, size: number): Promise<string> {
  const guard = redactingGuard();
  let released = '';
  for (let index = 0; index < text.length; index += size) released += (await guard.push(text.slice(index, index + size))).release;
  return released + (await guard.finish()).release;
}

describe('OutputGuard release edge', () => {
  it('AUP-5 never releases part of an email, card number or IBAN longer than the hold-back, whatever the chunking', async () => {
    const text = 'Write to alexander.hamilton-smith@example-company.com or pay DE89370400440532013000 with card 4111 1111 1111 1111 today.';
    for (const size of [1, 2, 3, 5, 7, 11]) {
      const released = await streamed(text, size);
      expect(released, `pieces of ${size}`).toBe('Write to [EMAIL] or pay [IBAN] with card [CREDIT_CARD] today.');
    }
  });

  it('AUP-2 releases ordinary text and text without spaces (CJK) without holding it back beyond the hold-back', () => {
    const prose = 'The quick brown fox jumps over the lazy dog';
    // An edge inside "lazy" moves to the start of the word; between words it stays.
    expect(releaseEdge(prose, 0, prose.indexOf('lazy') + 2, [])).toBe(prose.indexOf('lazy'));
    expect(releaseEdge(prose, 0, prose.indexOf(' the'), [])).toBe(prose.indexOf(' the'));
    const chinese = '从前有一个小机器人，它喜欢读书，每天都去图书馆。';
    expect(releaseEdge(chinese, 0, 10, [])).toBe(10);
  });

  it('AUP-5 pulls the edge back to the start of a detected span that crosses it', () => {
    const text = 'mail jane@example.com now';
    const span = { start: 5, end: 21 };
    expect(releaseEdge(text, 0, 12, [span])).toBe(5);
    expect(releaseEdge(text, 0, 21, [span])).toBe(21);
  });
});
