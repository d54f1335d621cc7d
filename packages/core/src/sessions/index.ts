export * from './session.js';
export * from './session-repository.js';
export * from './session-service.js';
export * from './session-token.js';
