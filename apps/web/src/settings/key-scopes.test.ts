import { describe, expect, it } from 'vitest';
import { i18next } from '../i18n/index.js';
import { describeKeyScopes, keyEndpointChoices, keyScopeChoices, keyScopesFromChoices, noKeyScopeChoices } from './key-scopes.js';

describe("a key's permissions in the keys page", () => {
  it('API-4 nothing ticked leaves a group unrestricted; what is ticked is sent as the list', () => {
    expect(keyScopesFromChoices(noKeyScopeChoices)).toEqual({ models: null, endpoints: null });
    expect(keyScopesFromChoices({ models: ['stories260K'], endpoints: ['models', 'embeddings'] })).toEqual({ models: ['stories260K'], endpoints: ['models', 'embeddings'] });
    // The edit form starts ticked as the key is, and saving it unchanged sends the same scopes back.
    expect(keyScopeChoices({ models: null, endpoints: ['usage'] })).toEqual({ models: [], endpoints: ['usage'] });
    expect(keyScopesFromChoices(keyScopeChoices({ models: ['a'], endpoints: null }))).toEqual({ models: ['a'], endpoints: null });
  });

  it('API-4 management and usage are offered after the inference endpoints; administration never (owner keys only, by CLI)', () => {
    expect(keyEndpointChoices()).toEqual(['chat.completions', 'completions', 'embeddings', 'models', 'moderations', 'api_keys', 'usage']);
  });

  it('API-4 names the permissions in the reader language, every endpoint family with a message of its own', async () => {
    const en = i18next.getFixedT('en');
    expect(describeKeyScopes({ models: null, endpoints: null, rate_limits: null }, en)).toBe('All models · all inference endpoints');
    expect(describeKeyScopes({ models: ['a', 'b'], endpoints: ['chat.completions', 'api_keys'], rate_limits: null }, en)).toBe('a, b · Chat completions, Key management');
    const names = [...keyEndpointChoices(), 'admin' as const].map((endpoint) => describeKeyScopes({ models: null, endpoints: [endpoint], rate_limits: null }, en));
    expect(new Set(names).size).toBe(names.length);
    for (const name of names) expect(name).not.toContain('apiKeys.');
    await i18next.loadLanguages('zh-CN');
    expect(describeKeyScopes({ models: null, endpoints: ['chat.completions'], rate_limits: null }, i18next.getFixedT('zh-CN'))).toBe('所有模型 · 对话补全');
  });
});
