import { EngineFailure, type JsonSchema, type SamplingOptions, type ToolDefinition } from '@charter/engine-spec';
import { LlamaVocabularyType, type ChatModelFunctions, type LLamaContextualRepeatPenalty, type LlamaModel } from 'node-llama-cpp';
import { toGbnfJsonSchema } from './to-gbnf-json-schema.js';

/** OpenAI's default temperature; node-llama-cpp's own default differs. */
const defaultTemperature = 1;

export function toChatModelFunctions(tools: readonly ToolDefinition[]): ChatModelFunctions {
  const functions: { [name: string]: { description?: string; params?: ReturnType<typeof toGbnfJsonSchema> } } = {};
  for (const tool of tools) {
    const params = toGbnfJsonSchema(toolParameters(tool), { param: 'tools', isStrict: tool.strict === true });
    functions[tool.name] = tool.description === undefined ? { params } : { description: tool.description, params };
  }
  return functions;
}

// An empty parameters schema means "no arguments" for a tool, as in OpenAI's API, not "any JSON value".
export function toolParameters(tool: ToolDefinition): JsonSchema {
  return Object.keys(tool.parameters).length === 0 ? { type: 'object', properties: {} } : tool.parameters;
}

export function toSampling(request: SamplingOptions, maxTokens: number): {
  temperature: number;
  topP?: number;
  seed?: number;
  maxTokens: number;
  customStopTriggers?: string[];
  repeatPenalty: false | LLamaContextualRepeatPenalty;
} {
  const stop = (request.stop ?? []).filter((trigger) => trigger !== '');
  const hasPenalty = (request.presencePenalty ?? 0) !== 0 || (request.frequencyPenalty ?? 0) !== 0;
  return {
    temperature: request.temperature ?? defaultTemperature,
    ...(request.topP === undefined ? {} : { topP: request.topP }),
    ...(request.seed === undefined ? {} : { seed: request.seed }),
    maxTokens,
    ...(stop.length === 0 ? {} : { customStopTriggers: stop }),
    // node-llama-cpp applies a 1.1 repeat penalty unless told otherwise; OpenAI semantics have none by default.
    repeatPenalty: hasPenalty ? { penalty: 1, presencePenalty: request.presencePenalty ?? 0, frequencyPenalty: request.frequencyPenalty ?? 0 } : false,
  };
}

/**
 * Refuse what cannot fit (API-2) and bound generation by the room left, so llama.cpp never shifts the
 * context (which would silently drop the start of the prompt). One cell stays free, as LlamaChat requires.
 */
export function resolveMaxTokens(contextWindow: number, promptTokens: number, requested: number | undefined, promptParam: string): number {
  const room = contextWindow - promptTokens - 1;
  if (room < 1) {
    throw new EngineFailure(
      'context_length_exceeded',
      `This model's maximum context length is ${contextWindow} tokens. However, your prompt uses ${promptTokens} tokens. Please reduce the length of the prompt.`,
      { param: promptParam },
    );
  }
  if (requested === undefined) return room;
  if (!Number.isInteger(requested) || requested < 1) throw new EngineFailure('invalid_request', '`max_tokens` must be a positive integer.', { param: 'max_tokens' });
  if (requested > room) {
    throw new EngineFailure(
      'context_length_exceeded',
      `This model's maximum context length is ${contextWindow} tokens. However, you requested ${promptTokens + requested} tokens (${promptTokens} in the prompt, ${requested} in the completion). Please reduce the length of the prompt or completion.`,
      { param: promptParam },
    );
  }
  return requested;
}

/** LlamaCompletion prepends the model's beginning token the way llama.cpp's tokenizer would; count it the same way. */
export function countCompletionPromptTokens(model: LlamaModel, prompt: string): number {
  const vocabularyType = model.vocabularyType;
  const hasBeginningToken =
    vocabularyType === LlamaVocabularyType.wpm
      ? model.tokens.bos !== null
      : vocabularyType !== LlamaVocabularyType.rwkv && vocabularyType !== LlamaVocabularyType.ugm && model.tokens.shouldPrependBosToken && model.tokens.bos !== null;
  const tokens = model.tokenize(prompt, false, hasBeginningToken ? 'trimLeadingSpace' : undefined);
  return tokens.length + (hasBeginningToken ? 1 : 0);
}
