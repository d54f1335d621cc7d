import type {
  ChatMessage,
  ChatRequest,
  EmbeddingRequest,
  ResponseFormat,
  SamplingOptions,
  TextCompletionRequest,
  ToolChoice,
  ToolDefinition,
} from '@charter/engine-spec';
import type {
  WireChatCompletionRequest,
  WireCompletionRequest,
  WireEmbeddingRequest,
  WireMessage,
  WireResponseFormat,
  WireSamplingFields,
  WireTokenizeRequest,
  WireTool,
  WireToolChoice,
} from './openai-wire-types.js';

// The one place where Charter's camelCase requests become OpenAI's snake_case bodies. Optional fields are
// only written when set, so upstream defaults apply and servers that reject unknown or null fields
// (several llama.cpp and Ollama versions do) are not tripped up.

// Shared, never mutated: saves an allocation per request.
const STREAM_OPTIONS = { include_usage: true } as const;

/** The JSON body of `POST /chat/completions` for a chat request; streamed ones ask for a usage chunk. */
export function toChatCompletionBody(request: ChatRequest, upstreamModel: string, isStreamed = true): string {
  const body: WireChatCompletionRequest = {
    model: upstreamModel,
    messages: toWireMessages(request.messages),
    stream: isStreamed,
  };
  if (isStreamed) body.stream_options = STREAM_OPTIONS;
  copySampling(request, body);
  if (request.tools !== undefined && request.tools.length > 0) body.tools = request.tools.map(toWireTool);
  if (request.toolChoice !== undefined) body.tool_choice = toWireToolChoice(request.toolChoice);
  if (request.responseFormat !== undefined) body.response_format = toWireResponseFormat(request.responseFormat);
  if (request.endUser !== undefined) body.user = request.endUser;
  return JSON.stringify(body);
}

/** The JSON body of `POST /completions` for a legacy text completion; streamed ones ask for a usage chunk. */
export function toCompletionBody(request: TextCompletionRequest, upstreamModel: string, isStreamed = true): string {
  const body: WireCompletionRequest = {
    model: upstreamModel,
    prompt: request.prompt,
    stream: isStreamed,
  };
  if (isStreamed) body.stream_options = STREAM_OPTIONS;
  copySampling(request, body);
  if (request.echo !== undefined) body.echo = request.echo;
  return JSON.stringify(body);
}

/** The JSON body of `POST /embeddings`. Floats are requested explicitly: base64 is the SDK's default. */
export function toEmbeddingBody(request: EmbeddingRequest, upstreamModel: string): string {
  const body: WireEmbeddingRequest = { model: upstreamModel, input: request.inputs, encoding_format: 'float' };
  if (request.dimensions !== undefined) body.dimensions = request.dimensions;
  return JSON.stringify(body);
}

/** vLLM / SGLang `POST /tokenize` for a chat: the server applies the model's chat template. */
export function toChatTokenizeBody(request: ChatRequest, upstreamModel: string): string {
  const body: WireTokenizeRequest = {
    model: upstreamModel,
    messages: toWireMessages(request.messages),
    add_generation_prompt: true,
  };
  return JSON.stringify(body);
}

/** vLLM / SGLang `POST /tokenize` for plain text, without BOS/EOS so the count is the text's alone. */
export function toTextTokenizeBody(text: string, upstreamModel: string): string {
  const body: WireTokenizeRequest = { model: upstreamModel, prompt: text, add_special_tokens: false };
  return JSON.stringify(body);
}

function copySampling(options: SamplingOptions, body: WireSamplingFields): void {
  if (options.temperature !== undefined) body.temperature = options.temperature;
  if (options.topP !== undefined) body.top_p = options.topP;
  // Not max_completion_tokens: most self-hosted servers only know max_tokens; accepting the newer name
  // from clients is the API layer's concern.
  if (options.maxTokens !== undefined) body.max_tokens = options.maxTokens;
  if (options.stop !== undefined && options.stop.length > 0) body.stop = options.stop;
  if (options.seed !== undefined) body.seed = options.seed;
  if (options.presencePenalty !== undefined) body.presence_penalty = options.presencePenalty;
  if (options.frequencyPenalty !== undefined) body.frequency_penalty = options.frequencyPenalty;
}

function toWireMessages(messages: ChatMessage[]): WireMessage[] {
  const wire = new Array<WireMessage>(messages.length);
  for (let index = 0; index < messages.length; index++) {
    const message = messages[index] as ChatMessage;
    const wireMessage: WireMessage = { role: message.role, content: message.content };
    if (message.name !== undefined) wireMessage.name = message.name;
    if (message.toolCalls !== undefined && message.toolCalls.length > 0) {
      wireMessage.tool_calls = message.toolCalls.map((call) => ({
        id: call.id,
        type: 'function',
        function: { name: call.name, arguments: call.argumentsJson },
      }));
    }
    if (message.toolCallId !== undefined) wireMessage.tool_call_id = message.toolCallId;
    wire[index] = wireMessage;
  }
  return wire;
}

function toWireTool(tool: ToolDefinition): WireTool {
  const wireFunction: WireTool['function'] = { name: tool.name, parameters: tool.parameters };
  if (tool.description !== undefined) wireFunction.description = tool.description;
  if (tool.strict !== undefined) wireFunction.strict = tool.strict;
  return { type: 'function', function: wireFunction };
}

function toWireToolChoice(choice: ToolChoice): WireToolChoice {
  return typeof choice === 'string' ? choice : { type: 'function', function: { name: choice.functionName } };
}

function toWireResponseFormat(format: ResponseFormat): WireResponseFormat {
  if (format.type !== 'json_schema') return format;
  const jsonSchema: { name: string; schema: Record<string, unknown>; strict?: boolean } = {
    name: format.name,
    schema: format.schema,
  };
  if (format.strict !== undefined) jsonSchema.strict = format.strict;
  return { type: 'json_schema', json_schema: jsonSchema };
}
