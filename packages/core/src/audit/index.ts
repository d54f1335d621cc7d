export * from './audit-event.js';
export * from './audit-log.js';
export * from './audit-chain.js';
