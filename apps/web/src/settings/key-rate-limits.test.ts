import { describe, expect, it } from 'vitest';
import { i18next } from '../i18n/index.js';
import { describeKeyRateLimits, hasNoKeyLimits, keyLimitInputs, keyRateLimitsFromInputs } from './key-rate-limits.js';

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

  it('API-5 the edit form starts from the key\'s limits and sends every field, an empty one as none', () => {
    const inputs = keyLimitInputs({ requests_per_minute: 30, requests_per_hour: null, tokens_per_minute: null, concurrent_requests: 2 });
    expect(inputs).toEqual({ requests_per_minute: '30', requests_per_hour: '', tokens_per_minute: '', concurrent_requests: '2' });
    expect(keyRateLimitsFromInputs({ ...inputs, requests_per_minute: ' 45 ', concurrent_requests: '' })).toEqual({ requests_per_minute: 45, requests_per_hour: null, tokens_per_minute: null, concurrent_requests: null });
    expect(hasNoKeyLimits(inputs)).toBe(false);
    expect(hasNoKeyLimits(keyLimitInputs(null))).toBe(true);
    expect(hasNoKeyLimits({ ...keyLimitInputs(null), tokens_per_minute: '  ' })).toBe(true);
  });
});
