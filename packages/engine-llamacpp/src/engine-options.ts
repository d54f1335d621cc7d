/** One GGUF model the engine serves. */
export interface LlamaCppModelOptions {
  /** Engine-local model name used in requests. */
  name: string;
  /** Local path of the GGUF file (see `resolveModelSource` for URIs and URLs). */
  modelPath: string;
  /** Context window per request in tokens. Default: the model's training context, shrunk to fit memory. */
  contextWindow?: number;
  /** Requests generated at the same time, batched together in one context. Default: the engine's, else 4. */
  parallelSequences?: number;
  /** Requests that may wait for a free sequence before `overloaded`. Default: the engine's, else 16. */
  maxQueue?: number;
  /** CPU threads for this model. Default: the engine's, else `os.availableParallelism()`. */
  threads?: number;
  /** Whether `/v1/embeddings` may use this model. Default false. */
  embeddings?: boolean;
}

/** Structured logger (pino-compatible). Receives engine events and llama.cpp warnings; never prompt text. */
export interface LlamaCppEngineLogger {
  info(fields: Record<string, unknown>, message: string): void;
  warn(fields: Record<string, unknown>, message: string): void;
  error(fields: Record<string, unknown>, message: string): void;
}

/** Options of `createLlamaCppEngine`. */
export interface LlamaCppEngineOptions {
  /** Engine id. Default `llamacpp`. */
  id?: string;
  models: LlamaCppModelOptions[];
  /** Default CPU threads per model. Default `os.availableParallelism()`. */
  threads?: number;
  /** Default parallel sequences per model. Default 4. */
  parallelSequences?: number;
  /** Default queue bound per model. Default 16. */
  maxQueue?: number;
  logger?: LlamaCppEngineLogger;
}

// OpenAI's documented default, so clients that omit `temperature` see the behaviour they expect.
