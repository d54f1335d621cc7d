import type { RestrictedPartyScreen } from './regional-eligibility-checker.js';

/** One entry of an operator's restricted-party list (ACC-2). */
export interface RestrictedParty {
  name: string;
  /** `person`, `organization`, … as the list states it; informational. */
  type: string | null;
  /** ISO 3166-1 country the list associates with the party, when given; informational. */
  country: string | null;
  /** Which list the entry comes from (e.g. `OFAC SDN`), for the audit record. */
  source: string | null;
}

/**
 * Legal-form words that say nothing about who a party is, so "Acme Trading LLC" and "ACME TRADING" match.
 * Compared after normalisation (lower case, no punctuation), so `L.L.C.` is `llc` and `S.A.` is `sa`.
 */
const legalSuffixes: ReadonlySet<string> = new Set([
  'ltd', 'limited', 'llc', 'llp', 'lp', 'plc', 'inc', 'incorporated', 'corp', 'corporation', 'co', 'company',
  'gmbh', 'ag', 'kg', 'ug', 'mbh', 'sa', 'sas', 'sarl', 'srl', 'spa', 'bv', 'nv', 'ab', 'as', 'oy', 'kk',
  'ooo', 'oao', 'zao', 'pao', 'ao', 'jsc', 'ojsc', 'cjsc', 'pjsc', 'tov', 'fze', 'fzco', 'pte', 'pty', 'sdn', 'bhd',
  // The same forms in Cyrillic, as Russian, Belarusian and Ukrainian registers write them.
  'ооо', 'оао', 'зао', 'пао', 'ао', 'тов', 'пат', 'ат', 'ип',
]);

/** Latin letters NFKD leaves whole, spelt as lists transliterate them. */
const undecomposedLetters: Readonly<Record<string, string>> = { ø: 'o', ł: 'l', đ: 'd', ß: 'ss', æ: 'ae', œ: 'oe', ı: 'i' };

/** Shortest normalised key screened: shorter names (initials, "Li") would match far too many innocent people. */
const minimumKeyLength = 4;

/**
 * The comparison form of a name: Unicode NFKD with the diacritics removed, lower case, punctuation gone,
 * whitespace collapsed, legal-form words dropped, and the remaining words sorted (word order varies between
 * lists and people: "Ivanov Ivan" is "Ivan Ivanov"). Null when nothing distinctive is left.
 */
export function normalizePartyName(name: string): string | null {
  const words = name
    .normalize('NFKD')
    .replace(/\p{M}+/gu, '')
    .toLowerCase()
    .replace(/[øłđßæœı]/gu, (letter) => undecomposedLetters[letter] ?? letter)
    // Apostrophes and dots join (O'Neil → oneil, L.L.C. → llc); other punctuation separates words.
    .replace(/['’.]/gu, '')
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim()
    .split(' ')
    .filter((word) => word.length > 0);
  const key = words.filter((word) => !legalSuffixes.has(word)).sort().join(' ');
  return key.replaceAll(' ', '').length >= minimumKeyLength ? key : null;
}

/**
 * `RestrictedPartyScreen` over an operator-supplied list: exact matches of normalised names only. No fuzzy
 * matching on purpose: a near miss on a common name would refuse innocent people with no way to tell why;
 * lists carry their own spelling variants as separate entries (aliases), which is where they belong.
 */
export class ListedPartyScreen implements RestrictedPartyScreen {
  readonly #byKey = new Map<string, RestrictedParty>();

  constructor(parties: Iterable<RestrictedParty>) {
    for (const party of parties) {
      const key = normalizePartyName(party.name);
      if (key !== null && !this.#byKey.has(key)) this.#byKey.set(key, party);
    }
  }

  /** How many distinct normalised names the list holds. */
  get size(): number {
    return this.#byKey.size;
  }

  /** The listed party a name matches (as "name (source)"), or null. */
  match(name: string): string | null {
    const key = normalizePartyName(name);
    if (key === null) return null;
    const party = this.#byKey.get(key);
    if (!party) return null;
    return party.source ? `${party.name} (${party.source})` : party.name;
  }
}
