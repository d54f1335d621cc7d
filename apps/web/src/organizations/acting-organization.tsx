import type { OrganizationBody } from '@charter/contracts';
import { createContext, type ReactNode, useCallback, useContext, useEffect, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { charter } from '../client.js';
import { useSession } from '../session-context.js';

const storageKey = 'charter.organization';

interface ActingOrganizationValue {
  /** The organisations I belong to (empty until loaded, and when signed out). */
  organizations: OrganizationBody[];
  /** The organisation the app acts for, or null for my personal account. */
  acting: OrganizationBody | null;
  /** Act for an organisation (its id) or for myself (null); remembered in this browser. */
  select: (organizationId: string | null) => void;
  /** Read my organisations again (after create, rename, delete, accept, leave). */
  reload: () => Promise<void>;
}

const ActingOrganizationContext = createContext<ActingOrganizationValue | undefined>(undefined);

function storedOrganization(): string | null {
  try {
    return globalThis.localStorage?.getItem(storageKey) ?? null;
  } catch {
    return null;
  }
}

function storeOrganization(organizationId: string | null): void {
  try {
    if (organizationId) globalThis.localStorage?.setItem(storageKey, organizationId);
    else globalThis.localStorage?.removeItem(storageKey);
  } catch {
    // Storage may be off (private windows): the choice then lasts for this page only.
  }
}

/**
 * Which organisation the app acts for (ACC-7): the SDK sends it as `OpenAI-Organization` on every request, so the
 * keys and usage pages (and chat) show and count the organisation's. The choice is kept in this browser until
 * sign-out; at start it is checked against my organisations before the pages below render, so a stale one
 * (removed from it, or it was deleted) never reaches the server.
 */
export function ActingOrganizationProvider({ children }: { children: ReactNode }) {
  const { t } = useTranslation();
  const { state } = useSession();
  const [organizationId, setOrganizationId] = useState<string | null>(() => {
    charter.organization = storedOrganization();
    return charter.organization;
  });
  const [organizations, setOrganizations] = useState<OrganizationBody[]>([]);
  const [isChecked, setIsChecked] = useState(organizationId === null);

  const select = useCallback((next: string | null) => {
    charter.organization = next;
    storeOrganization(next);
    setOrganizationId(next);
  }, []);

  const reload = useCallback(async () => {
    const list = await charter.organizations.list();
    setOrganizations(list.data);
    if (charter.organization && !list.data.some((organization) => organization.id === charter.organization)) select(null);
    setIsChecked(true);
  }, [select]);

  const userId = state.status === 'signed_in' ? state.user.id : null;
  useEffect(() => {
    if (userId === null) {
      setOrganizations([]);
      // Signing out ends acting for an organisation: the next person to sign in here starts on their own account.
      if (state.status === 'signed_out') {
        select(null);
        setIsChecked(true);
      }
      return;
    }
    void reload().catch(() => {
      select(null);
      setIsChecked(true);
    });
  }, [userId, state.status, reload, select]);

  const acting = organizations.find((organization) => organization.id === organizationId) ?? null;
  const value = useMemo(() => ({ organizations, acting, select, reload }), [organizations, acting, select, reload]);
  if (!isChecked) return <p role="status">{t('common.loading')}</p>;
  return <ActingOrganizationContext.Provider value={value}>{children}</ActingOrganizationContext.Provider>;
}

export function useActingOrganization(): ActingOrganizationValue {
  const value = useContext(ActingOrganizationContext);
  if (!value) throw new Error('useActingOrganization outside ActingOrganizationProvider');
  return value;
}
