export * from './organization.js';
export * from './organization-permissions.js';
export * from './organization-errors.js';
export * from './organization-repository.js';
export * from './organization-service.js';
export * from './organization-invitation-service.js';
export * from './organization-access.js';
export * from './organization-api-key-service.js';
