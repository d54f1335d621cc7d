export * from './principal.js';
export * from './user.js';
export * from './user-repository.js';
