export * from './errors.js';
export * from './accounts/index.js';
export * from './api-keys/api-key.js';
export * from './api-keys/api-key-repository.js';
export * from './metering/usage-record.js';
export * from './metering/usage-repository.js';
