import { useMemo } from 'react';
import { useLocation } from 'react-router';

/** The `#token=…` of an email link: in the fragment, so it never reaches a server log or a Referer header. */
export function useFragmentToken(): string | null {
  const location = useLocation();
  return useMemo(() => new URLSearchParams(location.hash.replace(/^#/, '')).get('token'), [location.hash]);
}
