import type { ChatRequest } from '@charter/engine-spec';
import { describe, expect, it } from 'vitest';
import { toChatCompletionBody, toCompletionBody, toEmbeddingBody } from './request-mapping.js';

describe('request mapping', () => {
  it('API-1 maps a full chat request to the snake_case OpenAI body', () => {
    const request: ChatRequest = {
      model: 'local-name',
      messages: [
        { role: 'system', content: 'Be brief.' },
        { role: 'user', content: 'Weather in Zürich?', name: 'ana' },
        {
          role: 'assistant',
          content: null,
          toolCalls: [{ id: 'call_1', name: 'get_weather', argumentsJson: '{"city":"Zürich"}' }],
        },
        { role: 'tool', content: '{"celsius":21}', toolCallId: 'call_1' },
      ],
      temperature: 0.2,
      topP: 0.9,
      maxTokens: 64,
      stop: ['\n\n'],
      seed: 7,
      presencePenalty: 0.1,
      frequencyPenalty: 0.3,
      tools: [
        {
          name: 'get_weather',
          description: 'Current weather',
          parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] },
          strict: true,
        },
      ],
      toolChoice: { functionName: 'get_weather' },
      responseFormat: { type: 'json_schema', name: 'weather', schema: { type: 'object' }, strict: true },
      endUser: 'user-hash-1',
    };
    expect(JSON.parse(toChatCompletionBody(request, 'org/upstream-model'))).toEqual({
      model: 'org/upstream-model',
      messages: [
        { role: 'system', content: 'Be brief.' },
        { role: 'user', content: 'Weather in Zürich?', name: 'ana' },
        {
          role: 'assistant',
          content: null,
          tool_calls: [{ id: 'call_1', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Zürich"}' } }],
        },
        { role: 'tool', content: '{"celsius":21}', tool_call_id: 'call_1' },
      ],
      stream: true,
      stream_options: { include_usage: true },
      temperature: 0.2,
      top_p: 0.9,
      max_tokens: 64,
      stop: ['\n\n'],
      seed: 7,
      presence_penalty: 0.1,
      frequency_penalty: 0.3,
      tools: [
        {
          type: 'function',
          function: {
            name: 'get_weather',
            description: 'Current weather',
            parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] },
            strict: true,
          },
        },
      ],
      tool_choice: { type: 'function', function: { name: 'get_weather' } },
      response_format: { type: 'json_schema', json_schema: { name: 'weather', schema: { type: 'object' }, strict: true } },
      user: 'user-hash-1',
    });
  });

  it('API-1 writes only the fields that are set, and passes json_object and tool_choice strings through', () => {
    const body = JSON.parse(
      toChatCompletionBody(
        { model: 'm', messages: [{ role: 'user', content: 'hi' }], toolChoice: 'required', responseFormat: { type: 'json_object' } },
        'm',
      ),
    );
    expect(body).toEqual({
      model: 'm',
      messages: [{ role: 'user', content: 'hi' }],
      stream: true,
      stream_options: { include_usage: true },
      tool_choice: 'required',
      response_format: { type: 'json_object' },
    });
  });

  it('API-1 maps text completions and embeddings', () => {
    expect(JSON.parse(toCompletionBody({ model: 'm', prompt: 'Once', maxTokens: 5, echo: true }, 'up'))).toEqual({
      model: 'up',
      prompt: 'Once',
      max_tokens: 5,
      echo: true,
      stream: true,
      stream_options: { include_usage: true },
    });
    expect(JSON.parse(toEmbeddingBody({ model: 'm', inputs: ['a', 'b'], dimensions: 4 }, 'up'))).toEqual({
      model: 'up',
      input: ['a', 'b'],
      dimensions: 4,
      encoding_format: 'float',
    });
  });
});
