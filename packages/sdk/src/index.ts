export * from './charter-api-error.js';
export * from './charter-client.js';
export * from './chat-stream.js';
export * from './conversation-stream.js';
