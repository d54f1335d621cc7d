export * from './conversation.js';
export * from './conversation-repository.js';
export * from './conversation-service.js';
export * from './conversation-share.js';
export * from './conversation-share-service.js';
export * from './message-feedback.js';
export * from './message-tree.js';
