export * from './principal.js';
export * from './user.js';
export * from './user-repository.js';
export * from './admin-access-policy.js';
