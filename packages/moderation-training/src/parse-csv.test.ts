import { describe, expect, it } from 'vitest';
import { parseCsv } from './parse-csv.js';

describe('parseCsv', () => {
  it('AUP-1 reads quoted fields with commas, doubled quotes and line breaks', () => {
    const rows = parseCsv('id,text,label\n1,"a, b",0\r\n2,"say ""hi""\nthere",1\n3,plain,0\n');
    expect(rows).toEqual([
      { id: '1', text: 'a, b', label: '0' },
      { id: '2', text: 'say "hi"\nthere', label: '1' },
      { id: '3', text: 'plain', label: '0' },
    ]);
  });

  it('AUP-1 returns nothing for an empty file', () => {
    expect(parseCsv('')).toEqual([]);
  });
});
