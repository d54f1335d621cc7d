export * from './maxmind-ip-locator.js';
