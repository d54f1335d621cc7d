import { describe, expect, it } from 'vitest';
import en from './en.json';
import zhCN from './zh-CN.json';

/** Every leaf key, with i18next's plural suffixes folded (Chinese has one plural form, English two). */
function keysOf(node: unknown, prefix = ''): string[] {
  if (typeof node !== 'object' || node === null) return [prefix.replace(/_(zero|one|two|few|many|other)$/, '')];
  return Object.entries(node).flatMap(([key, value]) => keysOf(value, prefix ? `${prefix}.${key}` : key));
}

describe('translations', () => {
  it('WEB-4 English and Simplified Chinese have the same keys', () => {
    const english = [...new Set(keysOf(en))].sort();
    const chinese = [...new Set(keysOf(zhCN))].sort();
    expect(chinese.filter((key) => !english.includes(key))).toEqual([]);
    expect(english.filter((key) => !chinese.includes(key))).toEqual([]);
  });
});
