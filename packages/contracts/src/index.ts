export * from './openai/chat-completions.schema.js';
export * from './openai/completions.schema.js';
export * from './openai/embeddings.schema.js';
export * from './openai/models.schema.js';
export * from './openai/error.schema.js';
export * from './account/api-keys.schema.js';
export * from './openai/moderations.schema.js';
