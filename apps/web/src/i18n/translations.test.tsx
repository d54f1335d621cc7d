// @vitest-environment jsdom
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import en from './en.json';
import zhCN from './zh-CN.json';

type Messages = { [key: string]: string | Messages };

/** Every message key as a dotted path (`usage.title`). */
function keysOf(messages: Messages, prefix = ''): string[] {
  return Object.entries(messages).flatMap(([key, value]) => (typeof value === 'string' ? [`${prefix}${key}`] : keysOf(value, `${prefix}${key}.`)));
}

/** i18next plural forms (`_one`, `_other` …) folded to their base key: Chinese has one form, English two. */
const pluralSuffix = /_(zero|one|two|few|many|other)$/;
function baseKeysOf(messages: Messages): string[] {
  return [...new Set(keysOf(messages).map((key) => key.replace(pluralSuffix, '')))];
}

function messageAt(messages: Messages, key: string): string | undefined {
  const value = key.split('.').reduce<string | Messages | undefined>((node, part) => (typeof node === 'object' ? node[part] : undefined), messages);
  return typeof value === 'string' ? value : undefined;
}

function placeholdersOf(message: string | undefined): string[] {
  return [...(message ?? '').matchAll(/\{\{\s*(\w+)\s*\}\}/g)].map((match) => match[1]!).sort();
}

describe('translations', () => {
  it('WEB-4 English and Simplified Chinese have exactly the same keys', () => {
    const english = baseKeysOf(en);
    const chinese = baseKeysOf(zhCN);
    expect(chinese.filter((key) => !english.includes(key)), 'only in zh-CN.json').toEqual([]);
    expect(english.filter((key) => !chinese.includes(key)), 'only in en.json').toEqual([]);
  });

  it('WEB-4 no message is empty and both languages use the same placeholders', () => {
    for (const key of keysOf(en)) expect(messageAt(en, key)?.trim(), key).toBeTruthy();
    for (const key of keysOf(zhCN)) expect(messageAt(zhCN, key)?.trim(), key).toBeTruthy();
    // A plural key compares with the other language's form of the same key (`_other` where only that exists).
    const formOf = (messages: Messages, key: string) => messageAt(messages, key) ?? messageAt(messages, key.replace(pluralSuffix, '_other')) ?? messageAt(messages, key.replace(pluralSuffix, ''));
    for (const key of keysOf(en)) expect(placeholdersOf(formOf(zhCN, key)), key).toEqual(placeholdersOf(messageAt(en, key)));
  });

  it('WEB-4 every key the components ask for by name exists', () => {
    const sourceDirectory = path.resolve(import.meta.dirname, '..');
    const files = readdirSync(sourceDirectory, { recursive: true, encoding: 'utf8' }).filter((file) => /\.tsx?$/.test(file) && !/\.test\.tsx?$/.test(file));
    const english = new Set(baseKeysOf(en));
    const missing = files.flatMap((file) =>
      [...readFileSync(path.join(sourceDirectory, file), 'utf8').matchAll(/\bt\(\s*'([\w.]+)'/g)].map((match) => match[1]!).filter((key) => !english.has(key)).map((key) => `${file}: ${key}`),
    );
    expect(missing).toEqual([]);
  });
});
