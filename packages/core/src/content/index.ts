export * from './content-cipher.js';
export * from './envelope-content-cipher.js';
