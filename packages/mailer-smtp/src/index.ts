export * from './smtp-mailer.js';
export * from './outbox-mailer.js';
export * from './outbox-reader.js';
