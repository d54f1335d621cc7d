export * from './charter-client.js';
