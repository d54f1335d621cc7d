import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadRestrictedPartiesCsv, parseRestrictedPartiesCsv, RestrictedPartyListError } from './restricted-parties-csv.js';

// Every name in the fixture is invented.
const fixture = fileURLToPath(new URL('./__fixtures__/restricted-parties.csv', import.meta.url));

describe('restricted-party list from CSV', () => {
  let directory: string;
  beforeAll(async () => {
    directory = await mkdtemp(path.join(tmpdir(), 'charter-parties-'));
  });
  afterAll(async () => {
    await rm(directory, { recursive: true, force: true });
  });

  it('ACC-2 loads the list and screens with normalised, exact matching', () => {
    const screen = loadRestrictedPartiesCsv(fixture);
    expect(screen.match('Zoltan Q Vexmoor')).toBe('Zoltan Q. Vexmoor (Invented List A)');
    expect(screen.match('vexmoor   zoltan q.')).toBe('Zoltan Q. Vexmoor (Invented List A)');
    expect(screen.match('OSTRAVA GLIMMERWORKS')).toBe('Ostrava Glimmerworks, LLC (Invented List A)');
    expect(screen.match('Ostrava Glimmerworks GmbH')).not.toBeNull();
    expect(screen.match('Brennhilde Oystrup Kaminski')).not.toBeNull();
    expect(screen.match('Пример Тест АО')).not.toBeNull();
    // No fuzzy false positives: near names, parts of names and very short names do not match.
    expect(screen.match('Zoltan Vexmoor')).toBeNull();
    expect(screen.match('Ostrava Glimmerwork')).toBeNull();
    expect(screen.match('Li')).toBeNull();
    expect(screen.match('Li Wei')).toBeNull();
  });

  it('ACC-2 accepts a byte-order mark, other columns, and a name-only list', () => {
    const parties = parseRestrictedPartiesCsv('\uFEFFName,Program,Remarks\nInvented Person One,X,"a, b"\n\n');
    expect(parties).toEqual([{ name: 'Invented Person One', type: null, country: null, source: null }]);
  });

  it('ACC-2 a malformed or missing list is a clear error naming file and line', async () => {
    expect(() => parseRestrictedPartiesCsv('type,country\nperson,XX\n', 'list.csv')).toThrow(/list\.csv: the first row must be a header naming a "name" column/);
    expect(() => parseRestrictedPartiesCsv('name,type\nInvented Person,person,extra\n', 'list.csv')).toThrow(new RegExp('list\\.csv: not valid CSV \\(line 2\\)'));
    expect(() => parseRestrictedPartiesCsv('name,type\n"Unclosed quote,person\n', 'list.csv')).toThrow(RestrictedPartyListError);
    expect(() => parseRestrictedPartiesCsv('name,type\n,person\n', 'list.csv')).toThrow(/row 2 has no name/);
    const missing = path.join(directory, 'missing.csv');
    expect(() => loadRestrictedPartiesCsv(missing)).toThrow(`${missing}: file not found`);
    const empty = path.join(directory, 'empty.csv');
    await writeFile(empty, '');
    expect(() => loadRestrictedPartiesCsv(empty)).toThrow(/header/);
  });
});
