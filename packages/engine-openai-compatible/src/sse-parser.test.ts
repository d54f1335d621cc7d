import { describe, expect, it } from 'vitest';
import { SseParser } from './sse-parser.js';

const encoder = new TextEncoder();

/** Feed the bytes in the given slices and collect every event's data. */
function parseInSlices(bytes: Uint8Array, cuts: number[]): string[] {
  const parser = new SseParser();
  const events: string[] = [];
  let start = 0;
  for (const cut of [...cuts, bytes.length]) {
    events.push(...parser.push(bytes.subarray(start, cut)));
    start = cut;
  }
  events.push(...parser.end());
  return events;
}

describe('SseParser', () => {
  it('API-1 parses data events, ignores comments and other fields, keeps [DONE]', () => {
    const stream = ': ping\n\nevent: message\nid: 7\nretry: 100\ndata: {"a":1}\n\n:keep-alive\ndata:{"b":2}\n\ndata: [DONE]\n\n';
    expect(parseInSlices(encoder.encode(stream), [])).toEqual(['{"a":1}', '{"b":2}', '[DONE]']);
  });

  it('API-1 joins multi-line data with a line feed and dispatches only on a blank line', () => {
    const parser = new SseParser();
    expect(parser.push(encoder.encode('data: first\ndata: second\n'))).toEqual([]);
    expect(parser.push(encoder.encode('\n'))).toEqual(['first\nsecond']);
  });

  it('API-1 handles events split at every possible byte position', () => {
    const stream = 'data: {"x":"hello"}\n\ndata: {"y":"world"}\n\ndata: [DONE]\n\n';
    const bytes = encoder.encode(stream);
    for (let cut = 1; cut < bytes.length; cut++) {
      expect(parseInSlices(bytes, [cut])).toEqual(['{"x":"hello"}', '{"y":"world"}', '[DONE]']);
    }
  });

  it('API-1 accepts \\r\\n and bare \\r line endings, including a \\r\\n pair split across chunks', () => {
    const stream = 'data: one\r\n\r\ndata: two\r\rdata: three\r\n\r\n';
    const bytes = encoder.encode(stream);
    for (let cut = 1; cut < bytes.length; cut++) {
      expect(parseInSlices(bytes, [cut]), `cut at ${cut}`).toEqual(['one', 'two', 'three']);
    }
  });

  it('API-3 never splits a multi-byte character, whatever the byte slicing', () => {
    const text = '你好 مرحبا שלום नमस्ते สวัสดี Привет Γειά é 👋🏽 👨‍👩‍👧 🇺🇦';
    const bytes = encoder.encode(`data: ${text}\n\ndata: ${text}\n\n`);
    for (let cut = 1; cut < bytes.length; cut++) {
      const events = parseInSlices(bytes, [cut, Math.min(bytes.length, cut + 3)]);
      expect(events).toEqual([text, text]);
    }
    // One byte at a time.
    const everyByte = Array.from({ length: bytes.length - 1 }, (_, index) => index + 1);
    expect(parseInSlices(bytes, everyByte)).toEqual([text, text]);
  });

  it('API-1 dispatches a last event that lacks its blank line when the body ends', () => {
    expect(parseInSlices(encoder.encode('data: {"a":1}\n\ndata: [DONE]'), [])).toEqual(['{"a":1}', '[DONE]']);
  });

  it('API-1 reuses one result array between pushes', () => {
    const parser = new SseParser();
    const first = parser.push(encoder.encode('data: a\n\n'));
    expect(first).toEqual(['a']);
    const second = parser.push(encoder.encode('data: b\n\n'));
    expect(second).toBe(first);
    expect(second).toEqual(['b']);
  });
});
