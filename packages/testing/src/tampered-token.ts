/**
 * The same token with its first character replaced by a different one. Overwriting a fixed suffix instead
 * ("…xx") leaves the token unchanged whenever it happened to end that way, which made such tests fail at random.
 */
export function tamperedToken(token: string): string {
  if (token.length === 0) throw new Error('an empty token cannot be tampered with');
  return `${token.startsWith('A') ? 'B' : 'A'}${token.slice(1)}`;
}
