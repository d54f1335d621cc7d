export * from './app.js';
export * from './main.js';
export * from './config.js';
export * from './admin-context.js';
export * from './engines.js';
export { toApiKeyBody } from './routes/account/api-keys.route.js';
export { toPlanAssignmentBody, toPlanBody, toPlanDefinition } from './routes/admin/plan-mapping.js';
export { outboxDirectory } from './accounts.js';
export { listOutbox, readOutboxMessage, type OutboxEntry, type OutboxMessage } from '@charter/mailer-smtp';
