import type { UserBody } from '@charter/contracts';
import { CharterApiError } from '@charter/sdk';
import { createContext, type ReactNode, useCallback, useContext, useEffect, useMemo, useState } from 'react';
import { charter } from './client.js';

export type SessionState = { status: 'loading' } | { status: 'signed_out' } | { status: 'signed_in'; user: UserBody };

interface SessionContextValue {
  state: SessionState;
  /** Ask the server who is signed in (after sign-in, verification, settings changes). */
  refresh: () => Promise<void>;
  signOut: () => Promise<void>;
}

const SessionContext = createContext<SessionContextValue | undefined>(undefined);

export function SessionProvider({ children }: { children: ReactNode }) {
  const [state, setState] = useState<SessionState>({ status: 'loading' });
  const refresh = useCallback(async () => {
    try {
      const session = await charter.auth.session();
      setState({ status: 'signed_in', user: session.user });
    } catch (error) {
      if (error instanceof CharterApiError && (error.status === 401 || error.status === 403)) setState({ status: 'signed_out' });
      else throw error;
    }
  }, []);
  const signOut = useCallback(async () => {
    await charter.auth.signOut().catch(() => undefined);
    setState({ status: 'signed_out' });
  }, []);
  useEffect(() => {
    void refresh().catch(() => setState({ status: 'signed_out' }));
  }, [refresh]);
  const value = useMemo(() => ({ state, refresh, signOut }), [state, refresh, signOut]);
  return <SessionContext.Provider value={value}>{children}</SessionContext.Provider>;
}

export function useSession(): SessionContextValue {
  const value = useContext(SessionContext);
  if (!value) throw new Error('useSession outside SessionProvider');
  return value;
}

/** The signed-in user; only for pages behind `RequireSession`. */
export function useUser(): UserBody {
  const { state } = useSession();
  if (state.status !== 'signed_in') throw new Error('useUser without a session');
  return state.user;
}
