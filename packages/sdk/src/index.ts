export * from './charter-api-error.js';
export * from './charter-client.js';
export * from './chat-stream.js';
export * from './conversation-stream.js';
export * from './organizations-api.js';
export * from './usage-api.js';
export * from './sdk-request.js';
