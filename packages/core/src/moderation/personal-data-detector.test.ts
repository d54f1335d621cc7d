import { describe, expect, it } from 'vitest';
import { detectPersonalData, redactPersonalData } from './personal-data-detector.js';

const typesIn = (text: string): string[] => detectPersonalData(text).map((span) => `${span.type}:${span.text}`);

describe('detectPersonalData', () => {
  it('AUP-5 finds e-mail addresses', () => {
    expect(typesIn('Write to jane.doe+news@example.co.uk today.')).toEqual(['email:jane.doe+news@example.co.uk']);
  });

  it.each([
    ['Call +44 20 7946 0958 tomorrow', '+44 20 7946 0958'],
    ['Desk: (415) 555-2671', '(415) 555-2671'],
    ['reach me at 415-555-2671', '415-555-2671'],
    ['Mobile: +41 (0)85 806 98 67', '+41 (0)85 806 98 67'],
    ['my phone number is 668 5702', '668 5702'],
    ['office 0049 30 901820 ext 12', '0049 30 901820 ext 12'],
  ])('AUP-5 finds international and national phone formats: %j', (text, phone) => {
    expect(typesIn(text)).toEqual([`phone_number:${phone}`]);
  });

  it.each([
    'The meeting is on 2023-01-15 at 10:30.',
    'Upgrade to version 1.2.3.4 now.',
    'My order number is 12345678.',
    'In 1999 the population was 2 000 000.',
    'Pi is 3.14159265.',
    'ISBN 978-3-16-148410-0',
  ])('AUP-5 does not mistake dates, versions, ids or amounts for phone numbers: %j', (text) => {
    expect(detectPersonalData(text).filter((span) => span.type === 'phone_number')).toEqual([]);
  });

  it('AUP-5 accepts card numbers only when Luhn and the issuer prefix check out', () => {
    expect(typesIn('card 4111 1111 1111 1111 exp 12/27')).toEqual(['credit_card:4111 1111 1111 1111']);
    expect(typesIn('amex 3782-822463-10005')).toEqual(['credit_card:3782-822463-10005']);
    expect(detectPersonalData('card 4111 1111 1111 1112').filter((span) => span.type === 'credit_card')).toEqual([]);
    expect(detectPersonalData('tracking 1234567890123452').filter((span) => span.type === 'credit_card')).toEqual([]);
  });

  it('AUP-5 finds IBANs with mod-97 and ignores invalid ones', () => {
    expect(typesIn('Pay to GB82 WEST 1234 5698 7654 32 please')).toEqual(['iban:GB82 WEST 1234 5698 7654 32']);
    expect(typesIn('my iban is de89370400440532013000')).toEqual(['iban:de89370400440532013000']);
    expect(detectPersonalData('Pay to GB82WEST12345698765433').filter((span) => span.type === 'iban')).toEqual([]);
  });

  it('AUP-5 finds national ids: US SSN, UK NINO, PRC resident id', () => {
    expect(typesIn('SSN 123-45-6789')).toEqual(['us_ssn:123-45-6789']);
    expect(typesIn('my social security number is 123456789')).toEqual(['us_ssn:123456789']);
    expect(detectPersonalData('invoice 123456789').filter((span) => span.type === 'us_ssn')).toEqual([]);
    expect(typesIn('NI number AB 12 34 56 C')).toEqual(['uk_nino:AB 12 34 56 C']);
    expect(typesIn('身份证 11010519491231002X')).toEqual(['cn_resident_id:11010519491231002X']);
    expect(detectPersonalData('id 110105194912310021').filter((span) => span.type === 'cn_resident_id')).toEqual([]);
  });

  it('AUP-5 finds IPv4 and IPv6 addresses but not versions, times or MAC-like strings', () => {
    expect(typesIn('from 192.168.1.20 and 2001:db8::8a2e:370:7334')).toEqual(['ip_address:192.168.1.20', 'ip_address:2001:db8::8a2e:370:7334']);
    expect(detectPersonalData('v1.2.3.4 at 10:30:00, 999.1.1.1, std::cout << x; std::endl').filter((span) => span.type === 'ip_address')).toEqual([]);
  });

  it('AUP-5 finds street addresses heuristically', () => {
    expect(typesIn('Send it to 1600 Pennsylvania Avenue NW, Washington, DC 20500.')).toEqual(['street_address:1600 Pennsylvania Avenue NW, Washington, DC 20500']);
    expect(typesIn('Wir wohnen in der Friedrichstraße 43, Berlin')[0]).toMatch(/^street_address:.*Friedrichstraße 43/);
    expect(typesIn('my address is 12 Rue de Rivoli, Paris')[0]).toMatch(/^street_address:12 Rue de Rivoli/);
    expect(detectPersonalData('During 1971, the company grew. In 2019 Apple sold 20 million phones.')).toEqual([]);
  });

  it('AUP-5 returns sorted spans that do not overlap', () => {
    const spans = detectPersonalData('card 4111111111111111, mail a@b.io, ip 10.0.0.1');
    expect(spans.map((span) => span.type)).toEqual(['credit_card', 'email', 'ip_address']);
  });
});

describe('redactPersonalData', () => {
  it('AUP-5 replaces each span with its placeholder and keeps the rest', () => {
    expect(redactPersonalData('Mail jane@example.com or call +1 415 555 2671, card 4111 1111 1111 1111.')).toBe(
      'Mail [EMAIL] or call [PHONE], card [CREDIT_CARD].',
    );
    expect(redactPersonalData('IBAN GB82WEST12345698765432, SSN 123-45-6789, from 10.1.2.3')).toBe('IBAN [IBAN], SSN [US_SSN], from [IP_ADDRESS]');
  });

  it('AUP-5 leaves text without personal data unchanged and can be limited to some types', () => {
    expect(redactPersonalData('How do I kill a Python process?')).toBe('How do I kill a Python process?');
    expect(redactPersonalData('jane@example.com 10.1.2.3', { types: ['email'] })).toBe('[EMAIL] 10.1.2.3');
  });
});
