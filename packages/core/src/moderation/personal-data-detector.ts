import { isValidChineseResidentId, isValidIban, isValidLuhn, isValidUkNino, isValidUsSsn } from './personal-data-checksums.js';

/** Kinds of personal data the detectors find (AUP-5). */
export const personalDataTypes = [
  'email',
  'phone_number',
  'credit_card',
  'iban',
  'us_ssn',
  'uk_nino',
  'cn_resident_id',
  'ip_address',
  'street_address',
] as const;

/** One kind of personal data. */
export type PersonalDataType = (typeof personalDataTypes)[number];

/** A piece of personal data found in a text; `start`/`end` are UTF-16 offsets into the original text. */
export interface PersonalDataSpan {
  type: PersonalDataType;
  start: number;
  end: number;
  text: string;
}

/** Options of `detectPersonalData` and `redactPersonalData`. */
export interface PersonalDataOptions {
  /** Only look for these types (default: all). */
  types?: readonly PersonalDataType[];
}

/** The placeholder each type is redacted to. */
export const personalDataPlaceholders: Readonly<Record<PersonalDataType, string>> = {
  email: '[EMAIL]',
  phone_number: '[PHONE]',
  credit_card: '[CREDIT_CARD]',
  iban: '[IBAN]',
  us_ssn: '[US_SSN]',
  uk_nino: '[UK_NINO]',
  cn_resident_id: '[CN_RESIDENT_ID]',
  ip_address: '[IP_ADDRESS]',
  street_address: '[ADDRESS]',
};

type Detector = (text: string, found: PersonalDataSpan[]) => void;

const emailPattern = /(?<![\w.%+-])[A-Za-z0-9][A-Za-z0-9._%+-]{0,63}@[A-Za-z0-9](?:[A-Za-z0-9-]{0,62}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,62}[A-Za-z0-9])?)*\.[A-Za-z]{2,24}(?![\w-])/g;
const ibanPattern = /(?<![A-Za-z0-9])[A-Z]{2}\d{2}(?: ?[A-Z0-9]){11,30}(?![A-Za-z0-9])/g;
const lowerCaseIbanPattern = /\biban(?:\s*(?:is|number|no\.?|:|#|-))*\s*([a-z]{2}\d{2}(?: ?[a-z0-9]){11,30})(?![a-z0-9])/gid;
const chineseIdPattern = /(?<![A-Za-z0-9])\d{17}[\dXx](?![A-Za-z0-9])/g;
const cardPattern = /(?<![\w+\-.])\d(?:[ -]?\d){11,18}(?![\d-])/g;
const ssnPattern = /(?<![\d-])(\d{3})([ -])(\d{2})\2(\d{4})(?![\d-])/g;
const bareSsnPattern = /(?<![\d-])\d{9}(?![\d-])/g;
const ssnContext = /\b(ssn|social security|soc\.? sec)/i;
const ninoPattern = /(?<![A-Za-z0-9])[A-Za-z]{2} ?\d{2} ?\d{2} ?\d{2} ?[A-Da-d](?![A-Za-z0-9])/g;
const ninoContext = /\b(national insurance|nino|ni number|ni no)\b/i;
const ipv4Pattern = /(?<![\d.])(?:(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)\.){3}(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(?!\d|\.\d)/g;
// Word characters around the candidate disqualify it, so that C++ scopes ("std::cout") are not addresses.
const ipv6Candidate = /(?<![\w:])(?:[0-9A-Fa-f]{0,4}:){2,7}[0-9A-Fa-f]{0,4}(?![\w:])/g;
const phonePattern = /(?<![\w+$€£¥/.-])(?:(?:\+|00)\d{1,3}[ .-]?)?(?:\(0\)[ .-]?)?(?:\(\d{1,5}\)[ .-]?)?\d(?:[ .-]?\d){5,14}(?:[ ]?(?:x|ext\.?)[ ]?\d{1,5})?(?![\w/]|-\d|\.\d)/g;
const phoneContextBefore = /(phone|tel\b|tel\.|telephone|mobile|cell|fax|call|text me|whatsapp|number|contact|reach|sms|messages? to|desk|office|ring|dial)\W{0,12}[^\n\d]{0,20}$/i;
const phoneContextAfter = /^[\s\-,(]{0,3}(office|fax|mobile|cell|home|work|phone|tel|ext)/i;
// "licence number 5130634" and "order no. 12345678" are ids, whatever the digits look like.
const idContextBefore = /(licen[cs]e|passport|account|acct|order|invoice|tracking|reference|ref|card|id|policy|member|customer)\s*(number|no\.?|#)?\s*(is|:)?\s*$/i;
const datePattern = /^(\d{4}[-./]\d{1,2}[-./]\d{1,2}|\d{1,2}[-./]\d{1,2}[-./]\d{2,4})$/;

// Street types after the name ("12 Baker Street") and before it ("Rue de Rivoli 10"), and German-style
// compound suffixes ("Friedhofstrasse 33"). Case-sensitive capitals keep ordinary prose out.
const streetSuffix =
  '(?:Street|St\\.?|Avenue|Ave\\.?|Road|Rd\\.?|Boulevard|Blvd\\.?|Lane|Ln\\.?|Drive|Dr\\.?|Court|Ct\\.?|Place|Pl\\.?|Way|Terrace|Parkway|Pkwy\\.?|Circle|Cir\\.?|Highway|Hwy\\.?|Square|Sq\\.?|Trail|Route|Row|Turnpike|Crescent|Close|Gardens|Grove|Plaza|Alley|Pike|Crossing|Mews|Walk|Hill|Mall|Union|Port|Ridge|Heights|Park|View|Junction|Ville|Estates?)';
const unitPart = '(?:,?[ \\t]*\\n?[ \\t>]*(?:Apt\\.?|Apartment|Suite|Ste\\.?|Unit|Flat|#)\\s?\\d{1,5}[A-Za-z]?)*';
// Up to three trailing locality pieces on the same or following lines: "Springfield", "IL", "62704",
// "South Africa 70651". A word followed by ":" is a label ("Mobile:"), not a place.
const localityPiece = "(?:[A-Z\\u00C0-\\u024F\\u0370-\\u03FF][\\p{L}'.-]+(?![\\p{L}]*:)(?:[ \\t]+[A-Z\\u00C0-\\u024F\\u0370-\\u03FF][\\p{L}'.-]+(?![\\p{L}]*:)){0,2}(?:[ \\t]+\\d{4,5}(?:-\\d{4})?)?|[A-Z]{2,3}|\\d{4,5}(?:-\\d{4})?)";
const localityPart = `(?:,?[ \\t]*\\n?[ \\t>]*,?[ \\t]*${localityPiece}){0,3}`;
const capitalWord = "[\\p{Lu}][\\p{L}'.-]*";
// Each pattern has a cheap literal prefilter: the full patterns are Unicode-aware and costly to scan.
const addressPatterns: ReadonlyArray<{ prefilter?: RegExp; pattern: RegExp }> = [
  // 1600 Pennsylvania Avenue NW, Apt 4, Washington, DC 20500
  { pattern: new RegExp(`(?<![\\w-])\\d{1,6}(?:[ \\t]+\\d{1,5})?[ \\t]+(?:${capitalWord}[ \\t]+){0,4}${streetSuffix}(?![\\p{L}])(?:[ \\t]+(?:NW|NE|SW|SE|N|S|E|W)\\b)?${unitPart}${localityPart}`, 'gu') },
  // Friedhofstrasse 33, Kiannonkatu 98, Nybyvägen 65 (optionally preceded by a house or postal number)
  { prefilter: /(?:strasse|straße|str\.|gasse|weg|platz|allee|katu|gatan|vägen|vej|vænget|laan|straat|damm|ufer|steig|utca|väg|gade|veien|stræti|gata|kuja|tér|u\.)[ \t]+\d/i, pattern: new RegExp(`(?<![\\p{L}\\w-])(?:\\d{1,6}[ \\t]+)?(?:[\\p{L}]{3,}[ \\t](?=[\\p{L}]))?[\\p{L}]{2,}(?:strasse|straße|str\\.|gasse|weg|platz|allee|katu|gatan|vägen|vej|vænget|laan|straat|damm|ufer|steig|utca|väg|gade|veien|stræti|gata|kuja|tér|u\\.)[ \\t]+\\d{1,5}[a-z]?(?![\\w])${unitPart}${localityPart}`, 'gu') },
  // 12 Rue de Rivoli, 5 Via Roma: house number first, then the street type and up to four name words.
  { prefilter: /(?:Rue|Rua|Avenida|Calle|Carrer|Via|Viale|Piazza|Strada|Chemin|Allée) /, pattern: new RegExp(`(?<![\\w-])\\d{1,6}[a-z]?,?[ \\t]+(?:Rue|Rua|Avenida|Calle|Carrer|Via|Viale|Piazza|Strada|Chemin|Allée)[ \\t]+(?:[\\p{L}'.-]+)(?:[ \\t]+[\\p{L}'.-]+){0,3}${unitPart}${localityPart}`, 'gu') },
  // Rue de Virton 38, Rua Igreja 25, Avda. Rio Nalon 58, ul. Słowicza 10, Via Roma 1
  { prefilter: /(?:Rue|Rua|Rúa|Avenida|Avda\.|Av\.|Calle|Carrer|Via|Viale|Piazza|Ul\.|ul\.|Ulica|Praça|Largo|Strada|Boulevard|Chemin|Allée|Place) /, pattern: new RegExp(`(?<![\\w-])(?:\\d{1,6}[ \\t]+)?(?:Rue|Rua|Rúa|Avenida|Avda\\.|Av\\.|Calle|Carrer|Via|Viale|Piazza|Ul\\.|ul\\.|Ulica|Praça|Largo|Strada|Boulevard|Chemin|Allée|Place)[ \\t]+(?:[\\p{L}'.-]+[ \\t]+){1,5}?\\d{1,5}[a-z]?(?![\\w])${unitPart}${localityPart}`, 'gu') },
  // After an explicit cue ("lives at", "my address is"): number, up to five words, number. The cue is
  // matched, not looked behind for, because a look-behind is re-evaluated at every position (slow); the
  // address is capture group 1 (the `d` flag gives its offsets).
  { prefilter: /address|lives? |located at|sent to|send |deliver|meet |office is at|arrived at|off at|stop at|side of/i, pattern: new RegExp(`\\b(?:address(?: is)?|lives? (?:at|on)|located at|sent to|send (?:it|them|this) to|deliver(?:ed)? to|meet (?:me|us) at|office is at|arrived at|drops? you off at|stop at|north side of|south side of)[:\\s]+(?!is\\b)(\\d{0,6}[ \\t]*[\\p{L}][\\p{L}.'-]*(?:[ \\t]+[\\p{L}][\\p{L}.'-]*){0,4}[ \\t]+\\d{1,5}\\.?${unitPart}${localityPart})`, 'giud') },
  // "the corner of 35 Pentelis Str. and Waechter Turnpike"
  { prefilter: /corner of/, pattern: /\bthe corner of [^\n.?!]{3,60}? and [\p{Lu}\d][\p{L}\d.'-]*(?: [\p{Lu}][\p{L}.'-]*){0,3}/gu },
  // PO boxes and US military addresses
  { prefilter: /Box|[AFD]PO /, pattern: /(?<![\w-])(?:P\.?\s?O\.?\s?Box\s+\d{1,6}|(?:PSC|Unit|CMR)\s+\d{1,5},?\s+Box\s+\d{1,5}(?:\s*\n?\s*[AFD]PO\s+A[AEP]\s+\d{5})?|USS\s+[A-Z][a-z]+\s*\n?\s*FPO\s+A[AEP]\s+\d{5})/g },
  // Letter-style blocks: "20789 Allika 46" with a unit on the same or the next line.
  { prefilter: /Apt|Suite|Unit/, pattern: new RegExp(`(?<![\\w-])\\d{1,6}[ \\t]+[\\p{L}][\\p{L}.'-]*(?:[ \\t]+[\\p{L}][\\p{L}.'-]*){0,3}[ \\t]+\\d{1,5}\\.?(?=[ \\t]*(?:\\n[ \\t>]*|,[ \\t]*)?(?:Apt|Suite|Unit))${unitPart}${localityPart}`, 'gu') },
  // 51709 Spinatsch 94 Apt. 615 — number, name, number and a unit
  { prefilter: /Apt|Suite|Unit|Flat/, pattern: new RegExp(`(?<![\\w-])\\d{1,6}[ \\t]+(?:${capitalWord}[ \\t]+){1,4}\\d{1,5}[ \\t]*,?[ \\t]*(?:Apt\\.?|Suite|Unit|Flat)[ \\t]?\\d{1,5}${unitPart}${localityPart}`, 'gu') },
];

const detectors: Readonly<Record<PersonalDataType, Detector>> = {
  email: (text, found) => {
    for (const match of text.matchAll(emailPattern)) push(found, 'email', match.index, match[0]);
  },
  iban: (text, found) => {
    const candidates = [...text.matchAll(ibanPattern)].map((match) => ({ start: match.index, value: match[0] }));
    for (const match of text.matchAll(lowerCaseIbanPattern)) {
      const group = match.indices?.[1];
      if (group !== undefined) candidates.push({ start: group[0], value: text.slice(group[0], group[1]) });
    }
    for (const { start, value } of candidates) {
      // The pattern may run into a following upper-case word; shorten group by group until it checks out.
      let candidate = value;
      while (candidate.replace(/ /g, '').length >= 15) {
        if (isValidIban(candidate)) {
          push(found, 'iban', start, candidate);
          break;
        }
        const lastSpace = candidate.lastIndexOf(' ');
        if (lastSpace < 0) break;
        candidate = candidate.slice(0, lastSpace);
      }
    }
  },
  cn_resident_id: (text, found) => {
    for (const match of text.matchAll(chineseIdPattern)) {
      if (isValidChineseResidentId(match[0])) push(found, 'cn_resident_id', match.index, match[0]);
    }
  },
  credit_card: (text, found) => {
    for (const match of text.matchAll(cardPattern)) {
      const raw = match[0].replace(/[ -]+$/, '');
      const digits = raw.replace(/[ -]/g, '');
      if (isPlausibleCardNumber(raw, digits)) push(found, 'credit_card', match.index, raw);
    }
  },
  us_ssn: (text, found) => {
    for (const match of text.matchAll(ssnPattern)) {
      if (isValidUsSsn(match[0])) push(found, 'us_ssn', match.index, match[0]);
    }
    // Nine bare digits are an SSN only when the text says so nearby.
    for (const match of text.matchAll(bareSsnPattern)) {
      const before = text.slice(Math.max(0, match.index - 40), match.index);
      if (ssnContext.test(before) && isValidUsSsn(match[0])) push(found, 'us_ssn', match.index, match[0]);
    }
  },
  uk_nino: (text, found) => {
    for (const match of text.matchAll(ninoPattern)) {
      const value = match[0];
      const isUpperCase = value === value.toUpperCase();
      const hasContext = ninoContext.test(text.slice(Math.max(0, match.index - 40), match.index));
      if ((isUpperCase || hasContext) && isValidUkNino(value)) push(found, 'uk_nino', match.index, value);
    }
  },
  ip_address: (text, found) => {
    for (const match of text.matchAll(ipv4Pattern)) {
      // "v1.2.3.4" and "version 1.2.3.4" are version numbers, not addresses.
      const before = text.slice(Math.max(0, match.index - 9), match.index);
      if (!/(v|version\s?)$/i.test(before)) push(found, 'ip_address', match.index, match[0]);
    }
    for (const match of text.matchAll(ipv6Candidate)) {
      if (isValidIpv6(match[0])) push(found, 'ip_address', match.index, match[0]);
    }
  },
  phone_number: (text, found) => {
    for (const match of text.matchAll(phonePattern)) {
      const raw = match[0].replace(/[ .-]+$/, '');
      if (isPlausiblePhoneNumber(text, match.index, raw)) push(found, 'phone_number', match.index, raw);
    }
  },
  street_address: (text, found) => {
    for (const { prefilter, pattern } of addressPatterns) {
      if (prefilter !== undefined && !prefilter.test(text)) continue;
      for (const match of text.matchAll(pattern)) {
        const group = match.indices?.[1];
        const start = group === undefined ? match.index : group[0];
        const value = (group === undefined ? match[0] : text.slice(group[0], group[1])).replace(/[\s,]+$/, '');
        push(found, 'street_address', start, value);
      }
    }
  },
};

// Earlier types win overlaps: checksummed formats are more certain than phone numbers and addresses,
// which are heuristics that would otherwise swallow card numbers and postcodes.
const priority: readonly PersonalDataType[] = ['email', 'iban', 'cn_resident_id', 'credit_card', 'us_ssn', 'uk_nino', 'ip_address', 'street_address', 'phone_number'];

/**
 * Finds personal data in `text`: emails, phone numbers (international and national formats, with context
 * for the ambiguous ones), payment cards (Luhn and issuer prefix), IBANs (mod-97), US SSNs, UK NINOs, PRC
 * resident ids (MOD 11-2), IPv4/IPv6 addresses and street addresses (heuristic). Spans do not overlap and
 * are sorted by position.
 */
export function detectPersonalData(text: string, options: PersonalDataOptions = {}): PersonalDataSpan[] {
  const wanted = options.types ?? personalDataTypes;
  const accepted: PersonalDataSpan[] = [];
  // Cheap gates: everything but e-mail needs a digit (or a colon for IPv6, "corner of" for addresses).
  const hasDigit = /\d/.test(text);
  const hasAt = text.includes('@');
  for (const type of priority) {
    if (!wanted.includes(type)) continue;
    if (type === 'email' ? !hasAt : type === 'street_address' ? !hasDigit && !text.includes('corner of') : type === 'ip_address' ? !hasDigit && !text.includes('::') : !hasDigit) continue;
    const found: PersonalDataSpan[] = [];
    detectors[type](text, found);
    // Among one type's own matches prefer the longest (address patterns overlap each other).
    found.sort((left, right) => right.end - right.start - (left.end - left.start) || left.start - right.start);
    for (const span of found) {
      if (!accepted.some((other) => span.start < other.end && other.start < span.end)) accepted.push(span);
    }
  }
  return accepted.sort((left, right) => left.start - right.start);
}

/** Replaces every detected span with its placeholder, e.g. `[EMAIL]`. */
export function redactPersonalData(text: string, options: PersonalDataOptions = {}): string {
  return redactSpans(text, detectPersonalData(text, options));
}

/** Replaces the given non-overlapping spans with their placeholders. */
export function redactSpans(text: string, spans: readonly PersonalDataSpan[]): string {
  let output = '';
  let position = 0;
  for (const span of [...spans].sort((left, right) => left.start - right.start)) {
    if (span.start < position) continue;
    output += text.slice(position, span.start) + personalDataPlaceholders[span.type];
    position = span.end;
  }
  return output + text.slice(position);
}

function push(found: PersonalDataSpan[], type: PersonalDataType, start: number, value: string): void {
  if (value.length > 0) found.push({ type, start, end: start + value.length, text: value });
}

function isPlausibleCardNumber(raw: string, digits: string): boolean {
  if (digits.length < 12 || digits.length > 19 || !isValidLuhn(digits)) return false;
  if (/^(\d)\1+$/.test(digits)) return false;
  const first = digits[0] as string;
  // Issuer prefixes: 2 and 5 Mastercard/Maestro, 3 Amex/JCB/Diners, 4 Visa, 6 Discover/UnionPay/Maestro.
  // 15-digit JCB numbers start with 1800 or 2131.
  if (digits.length === 15 && (digits.startsWith('1800') || digits.startsWith('2131'))) return true;
  if (first < '2' || first > '6') return false;
  if (digits.length === 12 && first !== '5' && first !== '6') return false;
  // Grouped numbers must look like cards (4-4-4-4, 4-6-5, 4-6-4), not like phone numbers.
  const groups = raw.split(/[ -]/);
  if (groups.length === 1) return true;
  const sizes = groups.map((group) => group.length).join('-');
  if (sizes === '4-6-5' || sizes === '4-6-4') return true;
  return groups.slice(0, -1).every((group) => group.length === 4) && (groups.at(-1)?.length ?? 0) <= 4;
}

function isPlausiblePhoneNumber(text: string, start: number, raw: string): boolean {
  const digits = raw.replace(/(x|ext\.?)\s?\d+$/i, '').replace(/\D/g, '');
  if (digits.length < 7 || digits.length > 15) return false;
  if (datePattern.test(raw) || /^\d{1,2}[:.]\d{2}$/.test(raw)) return false;
  // Mixed separators in odd places ("3.14 15") and decimal numbers are not phone numbers.
  if (/\.\d*[ -]|[ -]\d*\./.test(raw) && !/^\+/.test(raw)) return false;
  if (/^\d+\.\d+$/.test(raw)) return false;
  const isInternational = /^(\+|00)/.test(raw);
  const hasAreaCode = /\(\d{1,5}\)/.test(raw);
  const isGroupedLikeNanp = /^(\(\d{3}\) ?|\d{3}[ .-])\d{3}[ .-]\d{4}/.test(raw);
  const isTrunkPrefixed = /^0\d/.test(raw) && digits.length >= 9 && digits.length <= 11 && /[ .-]/.test(raw);
  const before = text.slice(Math.max(0, start - 40), start);
  const after = text.slice(start + raw.length, start + raw.length + 20);
  if (idContextBefore.test(before)) return false;
  const hasContext = phoneContextBefore.test(before) || phoneContextAfter.test(after);
  if (hasContext) return true;
  // Without context only unmistakable formats count; plain digit runs are too often ids, amounts or years.
  return isInternational || hasAreaCode || isGroupedLikeNanp || isTrunkPrefixed;
}

function isValidIpv6(candidate: string): boolean {
  const doubleColons = candidate.split('::').length - 1;
  if (doubleColons > 1) return false;
  if (doubleColons === 0 && (candidate.startsWith(':') || candidate.endsWith(':'))) return false;
  const nonEmpty = candidate.split(':').filter((group) => group !== '');
  if (nonEmpty.some((group) => !/^[0-9A-Fa-f]{1,4}$/.test(group))) return false;
  if (doubleColons === 0 && nonEmpty.length !== 8) return false;
  if (doubleColons === 1 && (nonEmpty.length > 7 || nonEmpty.length < 2)) return false;
  // Require a hex letter or the compressed form, so "10:30:00"-style times never match.
  return doubleColons === 1 || /[A-Fa-f]/.test(candidate);
}
