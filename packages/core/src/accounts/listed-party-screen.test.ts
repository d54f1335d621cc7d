import { describe, expect, it } from 'vitest';
import { ListedPartyScreen, normalizePartyName } from './listed-party-screen.js';

describe('restricted-party screening', () => {
  it('ACC-2 normalises case, diacritics, punctuation, spacing, legal forms and word order', () => {
    expect(normalizePartyName('  Ŝtrâng-Wörks   L.L.C. ')).toBe('strang works');
    expect(normalizePartyName('WORKS STRANG')).toBe('strang works');
    expect(normalizePartyName("O'Dalaigh Trading Co., Ltd")).toBe('odalaigh trading');
    expect(normalizePartyName('Łukasz Ørsted-Strauß')).toBe('lukasz orsted strauss');
    expect(normalizePartyName('ＦＵＬＬＷＩＤＴＨ Name')).toBe('fullwidth name');
    // Nothing distinctive left, or too short to screen without refusing innocent people.
    expect(normalizePartyName('LLC GmbH')).toBeNull();
    expect(normalizePartyName('Li')).toBeNull();
    expect(normalizePartyName('A. B.')).toBeNull();
  });

  it('ACC-2 matches exact normalised names only, and names the list entry', () => {
    const screen = new ListedPartyScreen([
      { name: 'Invented Holdings JSC', type: 'organization', country: null, source: 'Test list' },
      { name: 'Quillon Marbury', type: 'person', country: null, source: null },
      { name: 'Ab', type: 'person', country: null, source: null },
    ]);
    expect(screen.size).toBe(2);
    expect(screen.match('invented holdings')).toBe('Invented Holdings JSC (Test list)');
    expect(screen.match('Marbury, Quillon')).toBe('Quillon Marbury');
    expect(screen.match('Quillon Marbury Jr')).toBeNull();
    expect(screen.match('Invented Holding')).toBeNull();
    expect(screen.match('Ab')).toBeNull();
  });
});
