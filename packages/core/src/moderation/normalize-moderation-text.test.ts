import { describe, expect, it } from 'vitest';
import { normalizeModerationText } from './normalize-moderation-text.js';

describe('normalizeModerationText', () => {
  it.each([
    ['Ｋｉｌｌ', 'kill'],
    ['k1ll', 'kill'],
    ['sh1t', 'shit'],
    ['@ss', 'ass'],
    ['$hit', 'shit'],
    ['h3ll0', 'hello'],
    ['b!tch', 'bitch'],
    ['k i l l', 'kill'],
    ['k.i.l.l', 'kill'],
    ['kiiiiill', 'kiill'],
    ['zero\u200bwidth', 'zerowidth'],
    ['café naïve', 'cafe naive'],
    ['Hello   World\n\nagain', 'hello world again'],
  ])('AUP-1 folds obfuscation: %j → %j', (input, expected) => {
    expect(normalizeModerationText(input)).toBe(expected);
  });

  it.each(['mp3 player', '24/7 support', '5g network', 'covid19', 'i have 3 cats', 'hello!', 'wow!!', 'i.e. this'])(
    'AUP-1 leaves ordinary digits and punctuation alone: %j',
    (input) => {
      expect(normalizeModerationText(input)).toBe(input);
    },
  );
});
