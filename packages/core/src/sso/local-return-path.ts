/**
 * `return_to` as a same-origin path, or the fallback: only `/` followed by a non-slash, non-backslash character,
 * no scheme, no `//host` or `/\host` (browsers treat both as another origin), no control characters. Prevents
 * the sign-in flow from being an open redirect.
 */
export function localReturnPath(candidate: string | null | undefined, fallback = '/'): string {
  if (!candidate || candidate.length > 1024) return fallback;
  if (!candidate.startsWith('/')) return fallback;
  if (candidate.startsWith('//') || candidate.startsWith('/\\')) return fallback;
  // Tabs and newlines are stripped by URL parsers, which would turn `/\t/evil.example` into `//evil.example`.
  if (/[\u0000-\u001f\u007f\\]/.test(candidate)) return fallback;
  try {
    const resolved = new URL(candidate, 'http://local.invalid');
    if (resolved.origin !== 'http://local.invalid') return fallback;
    // The fragment is the app's to set (it carries results such as `#sso_linked=…`).
    return `${resolved.pathname}${resolved.search}`;
  } catch {
    return fallback;
  }
}
