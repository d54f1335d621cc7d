export * from './openid-connect-provider.js';
export * from './github-provider.js';
