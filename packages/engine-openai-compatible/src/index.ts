export { createOpenAiCompatibleEngine, OpenAiCompatibleEngine } from './openai-compatible-engine.js';
export type { OpenAiCompatibleEngineOptions, OpenAiCompatibleHealthCheck, OpenAiCompatibleModel } from './engine-options.js';
export { isEstimatedTokenUsage } from './response-mapping.js';
export type { EstimatedTokenUsage } from './response-mapping.js';
