import { EngineFailure } from '@charter/engine-spec';
import { describe, expect, it } from 'vitest';
import { StreamEventMapper, toFinishReason } from './response-mapping.js';

const chunk = (delta: Record<string, unknown>, finishReason: string | null = null): string =>
  JSON.stringify({ object: 'chat.completion.chunk', choices: [{ index: 0, delta, finish_reason: finishReason }] });

describe('StreamEventMapper', () => {
  it('API-3 holds back half a surrogate pair that an upstream split across chunks with JSON escapes', () => {
    const mapper = new StreamEventMapper('chat', false);
    // '\ud83d' + '\ude00' is 😀, cut between two events.
    expect(mapper.mapData('{"choices":[{"delta":{"content":"a\\ud83d"}}]}')).toEqual({ type: 'delta', text: 'a' });
    expect(mapper.mapData('{"choices":[{"delta":{"content":"\\ude00b"}}]}')).toEqual({ type: 'delta', text: '😀b' });
    expect(mapper.flush()).toBeUndefined();
  });

  it('API-3 replaces surrogates that never get their other half', () => {
    const mapper = new StreamEventMapper('chat', false);
    expect(mapper.mapData('{"choices":[{"delta":{"content":"x\\udc00y"}}]}')).toEqual({ type: 'delta', text: 'x\uFFFDy' });
    expect(mapper.mapData('{"choices":[{"delta":{"content":"z\\ud83d"}}]}')).toEqual({ type: 'delta', text: 'z' });
    expect(mapper.flush()).toEqual({ type: 'delta', text: '\uFFFD' });
  });

  it('API-1 skips empty role chunks, keeps finish reason and the last usage block, and counts content chunks', () => {
    const mapper = new StreamEventMapper('chat', true);
    expect(mapper.mapData(chunk({ role: 'assistant', content: '' }))).toBeUndefined();
    expect(mapper.mapData(chunk({ content: 'Hi' }))).toEqual({ type: 'delta', text: 'Hi' });
    expect(mapper.mapData(chunk({}, 'stop'))).toBeUndefined();
    expect(mapper.mapData('{"choices":[],"usage":{"prompt_tokens":5,"completion_tokens":1,"total_tokens":6}}')).toBeUndefined();
    expect(mapper.mapData('[DONE]')).toBeUndefined();
    expect(mapper).toMatchObject({
      finishReason: 'stop',
      usage: { promptTokens: 5, completionTokens: 1 },
      contentChunkCount: 1,
      isDone: true,
      generatedText: 'Hi',
    });
  });

  it('API-1 maps tool-call deltas, defaulting a missing index to the position', () => {
    const mapper = new StreamEventMapper('chat', false);
    expect(
      mapper.mapData(chunk({ tool_calls: [{ id: 'call_1', type: 'function', function: { name: 'f', arguments: '' } }] })),
    ).toEqual({ type: 'delta', toolCalls: [{ index: 0, id: 'call_1', name: 'f' }] });
    expect(mapper.mapData(chunk({ tool_calls: [{ index: 0, function: { arguments: '{"a":1}' } }] }))).toEqual({
      type: 'delta',
      toolCalls: [{ index: 0, argumentsJsonDelta: '{"a":1}' }],
    });
  });

  it('API-1 maps a whole chat.completion and a text_completion', () => {
    const chat = new StreamEventMapper('chat', false);
    const event = chat.mapWholeResponse(
      JSON.stringify({
        object: 'chat.completion',
        choices: [
          {
            index: 0,
            message: { role: 'assistant', content: null, tool_calls: [{ id: 'c', type: 'function', function: { name: 'f', arguments: { a: 1 } } }] },
            finish_reason: 'tool_calls',
          },
        ],
        usage: { prompt_tokens: 3, completion_tokens: 4 },
      }),
    );
    expect(event).toEqual({ type: 'delta', toolCalls: [{ index: 0, id: 'c', name: 'f', argumentsJsonDelta: '{"a":1}' }] });
    expect(chat).toMatchObject({ finishReason: 'tool_calls', usage: { promptTokens: 3, completionTokens: 4 }, isDone: true });

    const completion = new StreamEventMapper('completion', false);
    expect(completion.mapData('{"choices":[{"index":0,"text":" upon","finish_reason":null}]}')).toEqual({ type: 'delta', text: ' upon' });
  });

  it('API-7 turns an error event inside a stream into an EngineFailure', () => {
    const mapper = new StreamEventMapper('chat', false);
    let failure: unknown;
    try {
      mapper.mapData('{"error":{"object":"error","message":"The server is overloaded","type":"ServiceUnavailableError","code":503}}');
    } catch (error) {
      failure = error;
    }
    expect(failure).toBeInstanceOf(EngineFailure);
    expect(failure).toMatchObject({ kind: 'unavailable', upstreamStatus: 503 });
    expect(() => mapper.mapData('{not json')).toThrow(EngineFailure);
  });

  it('API-1 maps legacy and server-specific finish reasons', () => {
    expect(toFinishReason('function_call')).toBe('tool_calls');
    expect(toFinishReason('length')).toBe('length');
    expect(toFinishReason('eos')).toBe('stop');
  });
});
