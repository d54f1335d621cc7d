export * from './model-route.js';
export * from './model-router.js';
export * from './inference-errors.js';
export * from './inference-service.js';
export * from './inference-types.js';
