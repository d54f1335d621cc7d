export * from './database-schema.js';
export * from './open-database.js';
export * from './migrate-to-latest.js';
export * from './ping-database.js';
export * from './storage-errors.js';
export * from './sql-user-repository.js';
export * from './sql-api-key-repository.js';
export * from './sql-usage-repository.js';
