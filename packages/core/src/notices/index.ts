export * from './mailer.js';
export * from './account-email-templates.js';
export * from './account-notifier.js';
