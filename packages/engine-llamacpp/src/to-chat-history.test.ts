import { describe, expect, it } from 'vitest';
import { toChatHistory } from './to-chat-history.js';

describe('toChatHistory', () => {
  it('API-1 maps roles, attaches tool results to their calls and ends with a model turn to generate', () => {
    expect(
      toChatHistory([
        { role: 'developer', content: 'Be brief.' },
        { role: 'user', content: 'Time?' },
        { role: 'assistant', content: null, toolCalls: [{ id: 'call_1', name: 'get_time', argumentsJson: '{"zone":"UTC"}' }] },
        { role: 'tool', toolCallId: 'call_1', content: '12:00' },
        { role: 'tool', toolCallId: 'call_unknown', content: 'orphan' },
      ]),
    ).toEqual([
      { type: 'system', text: 'Be brief.' },
      { type: 'user', text: 'Time?' },
      { type: 'model', response: [{ type: 'functionCall', name: 'get_time', params: { zone: 'UTC' }, result: '12:00' }] },
      { type: 'user', text: 'orphan' },
      { type: 'model', response: [] },
    ]);
  });

  it('API-1 a trailing assistant message is continued rather than followed by a new turn', () => {
    expect(toChatHistory([{ role: 'user', content: 'Hi' }, { role: 'assistant', content: 'Once' }])).toEqual([
      { type: 'user', text: 'Hi' },
      { type: 'model', response: ['Once'] },
    ]);
  });
});
