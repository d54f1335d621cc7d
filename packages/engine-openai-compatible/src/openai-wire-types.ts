// The snake_case shapes of the OpenAI wire format, as this engine sends and receives them. They live here
// and nowhere else in Charter's domain (ARCHITECTURE.md: snake_case only in contracts and this engine).
// Response shapes are deliberately loose (every field optional, `unknown` where servers disagree): the
// upstreams we talk to (vLLM, SGLang, Ollama, llama.cpp server, hosted APIs) each omit different fields.

export interface WireToolCall {
  id: string;
  type: 'function';
  function: { name: string; arguments: string };
}

export interface WireMessage {
  role: string;
  content: string | null;
  name?: string;
  tool_calls?: WireToolCall[];
  tool_call_id?: string;
}

export interface WireTool {
  type: 'function';
  function: { name: string; description?: string; parameters: Record<string, unknown>; strict?: boolean };
}

export type WireToolChoice = 'none' | 'auto' | 'required' | { type: 'function'; function: { name: string } };

export type WireResponseFormat =
  | { type: 'text' }
  | { type: 'json_object' }
  | { type: 'json_schema'; json_schema: { name: string; schema: Record<string, unknown>; strict?: boolean } };

export interface WireSamplingFields {
  temperature?: number;
  top_p?: number;
  max_tokens?: number;
  stop?: string[];
  seed?: number;
  presence_penalty?: number;
  frequency_penalty?: number;
}

export interface WireChatCompletionRequest extends WireSamplingFields {
  model: string;
  messages: WireMessage[];
  stream: boolean;
  stream_options?: { include_usage: true };
  tools?: WireTool[];
  tool_choice?: WireToolChoice;
  response_format?: WireResponseFormat;
  user?: string;
}

export interface WireCompletionRequest extends WireSamplingFields {
  model: string;
  prompt: string;
  echo?: boolean;
  stream: boolean;
  stream_options?: { include_usage: true };
}

export interface WireEmbeddingRequest {
  model: string;
  input: string[];
  dimensions?: number;
  encoding_format: 'float';
}

/** vLLM / SGLang `POST /tokenize`. */
export type WireTokenizeRequest =
  | { model: string; messages: WireMessage[]; add_generation_prompt: true }
  | { model: string; prompt: string; add_special_tokens: false };

export interface WireUsage {
  prompt_tokens?: number;
  completion_tokens?: number;
}

export interface WireToolCallDelta {
  index?: number;
  id?: string;
  type?: string;
  function?: { name?: string; arguments?: string };
}

/** One choice of a streamed chunk (chat `delta` or completion `text`) or of a whole response (`message`). */
export interface WireChoice {
  index?: number;
  delta?: { role?: string; content?: string | null; tool_calls?: WireToolCallDelta[] | null };
  message?: { role?: string; content?: string | null; tool_calls?: WireToolCallDelta[] | null };
  text?: string | null;
  finish_reason?: string | null;
}

/** A `chat.completion.chunk`, `text_completion` chunk, or a whole non-streamed response. */
export interface WireCompletionPayload {
  choices?: WireChoice[];
  usage?: WireUsage | null;
  error?: unknown;
}

export interface WireEmbeddingResponse {
  data?: Array<{ index?: number; embedding?: unknown }>;
  usage?: WireUsage | null;
}

export interface WireTokenizeResponse {
  count?: number;
  tokens?: unknown[];
}
