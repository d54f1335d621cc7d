export * from './redis-rate-limit-store.js';
export { reserveScript, settleScript, type LuaScript } from './rate-limit-scripts.js';
