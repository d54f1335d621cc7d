export { createLlamaCppEngine } from './create-llama-cpp-engine.js';
export { LlamaCppEngine } from './llama-cpp-engine.js';
export type { LlamaCppEngineLogger, LlamaCppEngineOptions, LlamaCppModelOptions } from './engine-options.js';
export { ModelSourceError, resolveModelSource } from './model-source.js';
export type { ResolveModelSourceOptions } from './model-source.js';
