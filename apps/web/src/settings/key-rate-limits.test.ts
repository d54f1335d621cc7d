import { describe, expect, it } from 'vitest';
import { i18next } from '../i18n/index.js';
import { describeKeyRateLimits } from './key-rate-limits.js';

describe("a key's own rate limits in the keys table", () => {
  it('API-5 names the limits a key has, in the reader language, and the plan when it has none', async () => {
    const limits = { requests_per_minute: 1500, requests_per_hour: null, tokens_per_minute: null, concurrent_requests: 2 };
    const en = i18next.getFixedT('en');
    expect(describeKeyRateLimits(limits, en, 'en')).toBe('1,500 requests/min · 2 at once');
    expect(describeKeyRateLimits(null, en, 'en')).toBe("Plan's limits");
    expect(describeKeyRateLimits({ requests_per_minute: null, requests_per_hour: 10, tokens_per_minute: 20000, concurrent_requests: null }, en, 'en')).toBe('10 requests/h · 20,000 tokens/min');
    await i18next.loadLanguages('zh-CN');
    const zh = i18next.getFixedT('zh-CN');
    expect(describeKeyRateLimits(limits, zh, 'zh-CN')).toBe('每分钟 1,500 次请求 · 同时 2 个');
    expect(describeKeyRateLimits(null, zh, 'zh-CN')).toBe('套餐限额');
  });
});
