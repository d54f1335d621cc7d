import type { ApiKeyBody } from '@charter/contracts';
import { type FormEvent, useCallback, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { charter } from '../client.js';
import { ErrorMessage } from '../components/error-message.js';
import { FormField } from '../components/form-field.js';
import { useActingOrganization } from '../organizations/acting-organization.js';
import { endOfLocalDay, firstExpiryDay, isExpired } from './key-expiry.js';
import { KeyExpiry } from './key-expiry-cell.js';
import { KeyLimitsFieldset } from './key-limits-fieldset.js';
import { describeKeyRateLimits, keyLimitInputs, keyRateLimitsFromInputs, type KeyLimitInputs } from './key-rate-limits.js';
import { KeyScopesFieldset } from './key-scopes-fieldset.js';
import { describeKeyScopes, keyScopeChoices, keyScopesFromChoices, noKeyScopeChoices, type KeyScopeChoices } from './key-scopes.js';

/** A key being renamed or given other permissions or limits, with what its form holds. */
interface KeyEdit {
  key: ApiKeyBody;
  name: string;
  scopes: KeyScopeChoices;
  limits: KeyLimitInputs;
}

export function ApiKeysSettings() {
  const { t, i18n } = useTranslation();
  const [keys, setKeys] = useState<ApiKeyBody[]>([]);
  const [name, setName] = useState('');
  const [limits, setLimits] = useState<KeyLimitInputs>(() => keyLimitInputs(null));
  const [expiresOn, setExpiresOn] = useState('');
  const [scopeChoices, setScopeChoices] = useState<KeyScopeChoices>(noKeyScopeChoices);
  const [models, setModels] = useState<string[]>([]);
  const [edit, setEdit] = useState<KeyEdit | null>(null);
  const [newSecret, setNewSecret] = useState<string | null>(null);
  const [isCopied, setIsCopied] = useState(false);
  const [error, setError] = useState<unknown>(null);
  // The list is the acting organisation's (or my personal keys): read it again when that changes.
  const { acting } = useActingOrganization();
  const organizationId = acting?.id ?? null;
  const load = useCallback(() => charter.keys.list().then((list) => setKeys(list.data)).catch(setError), [organizationId]);
  useEffect(() => {
    void load();
    setEdit(null); // a key of the previous list is not in this one
  }, [load]);
  useEffect(() => {
    // The models a key may be limited to; without them the form still offers the endpoint choices.
    charter.models.list().then((list) => setModels(list.data.map((model) => model.id))).catch(() => setModels([]));
  }, []);
  // Every action clears the last error, and shows its own if it fails.
  const act = async (work: () => Promise<void>) => {
    setError(null);
    try {
      await work();
    } catch (caught) {
      setError(caught);
    }
  };
  const showSecret = (secret: string) => {
    setNewSecret(secret);
    setIsCopied(false);
  };
  const create = (event: FormEvent) => {
    event.preventDefault();
    return act(async () => {
      const issued = await charter.keys.create({
        name,
        ...(expiresOn ? { expires_at: endOfLocalDay(expiresOn) } : {}),
        scopes: { ...keyScopesFromChoices(scopeChoices), rate_limits: keyRateLimitsFromInputs(limits) },
      });
      showSecret(issued.key);
      setName('');
      setExpiresOn('');
      setScopeChoices(noKeyScopeChoices);
      setLimits(keyLimitInputs(null));
      await load();
    });
  };
  // Revoking and rotating stop the current secret at once, so they ask first.
  const revoke = (key: ApiKeyBody) =>
    act(async () => {
      if (!window.confirm(t('apiKeys.revokeConfirm', { name: key.name }))) return;
      await charter.keys.revoke(key.id);
      await load();
    });
  const rotate = (key: ApiKeyBody) =>
    act(async () => {
      if (!window.confirm(t('apiKeys.rotateConfirm', { name: key.name }))) return;
      showSecret((await charter.keys.rotate(key.id)).key);
      await load();
    });
  const saveEdit = (event: FormEvent) => {
    event.preventDefault();
    return act(async () => {
      if (!edit) return;
      await charter.keys.update(edit.key.id, {
        name: edit.name,
        scopes: { ...keyScopesFromChoices(edit.scopes), rate_limits: keyRateLimitsFromInputs(edit.limits) },
      });
      setEdit(null);
      await load();
    });
  };
  const copy = async () => {
    if (!newSecret) return;
    await navigator.clipboard.writeText(newSecret).then(() => setIsCopied(true)).catch(() => setIsCopied(false));
  };
  const formatDate = (iso: string | null) => (iso ? new Date(iso).toLocaleString(i18n.language) : t('apiKeys.never'));
  return (
    <section aria-labelledby="keys-title">
      <h1 id="keys-title">{t('settings.apiKeys')}</h1>
      {acting ? <p className="hint">{t('organizations.keysForOrganization', { name: acting.name })}</p> : null}
      <form onSubmit={(event) => void create(event)} className="inline-form">
        <FormField label={t('apiKeys.name')} value={name} onChange={(event) => setName(event.target.value)} required maxLength={100} />
        <FormField label={t('apiKeys.expiresOptional')} type="date" min={firstExpiryDay()} value={expiresOn} onChange={(event) => setExpiresOn(event.target.value)} />
        <button type="submit" disabled={!name.trim()}>{t('apiKeys.create')}</button>
        <details className="key-limits-details">
          <summary>{t('apiKeys.limitsOptional')}</summary>
          <KeyScopesFieldset models={models} choices={scopeChoices} onChange={setScopeChoices} />
          <KeyLimitsFieldset inputs={limits} onChange={setLimits} />
        </details>
      </form>
      <ErrorMessage error={error} />
      {newSecret ? (
        <div className="secret-box" role="region" aria-label={t('apiKeys.newKey')}>
          <p>{t('apiKeys.shownOnce')}</p>
          <code data-testid="new-api-key">{newSecret}</code>
          <button type="button" onClick={() => void copy()}>{isCopied ? t('apiKeys.copied') : t('apiKeys.copy')}</button>
          <button type="button" className="secondary" onClick={() => setNewSecret(null)}>{t('common.done')}</button>
        </div>
      ) : null}
      {edit ? (
        <form onSubmit={(event) => void saveEdit(event)} className="key-edit" aria-labelledby="key-edit-title">
          <h2 id="key-edit-title">{t('apiKeys.editTitle', { name: edit.key.name })}</h2>
          <FormField label={t('apiKeys.name')} value={edit.name} onChange={(event) => setEdit({ ...edit, name: event.target.value })} required maxLength={100} />
          {/* A model the key is limited to stays listed (to be unticked) even if no route serves it now. */}
          <KeyScopesFieldset models={[...new Set([...models, ...edit.scopes.models])]} choices={edit.scopes} onChange={(scopes) => setEdit({ ...edit, scopes })} />
          <KeyLimitsFieldset inputs={edit.limits} onChange={(inputs) => setEdit({ ...edit, limits: inputs })} />
          <button type="submit" disabled={!edit.name.trim()}>{t('common.save')}</button>
          <button type="button" className="secondary" onClick={() => setEdit(null)}>{t('common.cancel')}</button>
        </form>
      ) : null}
      <table>
        <caption className="visually-hidden">{t('settings.apiKeys')}</caption>
        <thead>
          <tr>
            <th scope="col">{t('apiKeys.name')}</th>
            <th scope="col">{t('apiKeys.prefix')}</th>
            <th scope="col">{t('apiKeys.created')}</th>
            <th scope="col">{t('apiKeys.expires')}</th>
            <th scope="col">{t('apiKeys.lastUsed')}</th>
            <th scope="col">{t('apiKeys.limits')}</th>
            <th scope="col">{t('apiKeys.status')}</th>
          </tr>
        </thead>
        <tbody>
          {keys.map((key) => (
            <tr key={key.id}>
              <td>
                {key.name}
                <br />
                <small className="hint">{describeKeyScopes(key.scopes, t)}</small>
              </td>
              <td><code>{key.prefix}…</code></td>
              <td>{formatDate(key.created_at)}</td>
              <td><KeyExpiry apiKey={key} /></td>
              <td>{formatDate(key.last_used_at)}</td>
              <td>{describeKeyRateLimits(key.scopes.rate_limits, t, i18n.language)}</td>
              <td>
                {key.revoked_at ? t('apiKeys.revoked') : isExpired(key) ? (
                  // An expired key authenticates nothing, but revoking it says it is retired and clears it from reviews.
                  <span className="row-actions">
                    {t('apiKeys.expired')}
                    <button type="button" className="secondary" onClick={() => void revoke(key)} aria-label={t('apiKeys.revokeNamed', { name: key.name })}>{t('apiKeys.revoke')}</button>
                  </span>
                ) : (
                  <span className="row-actions">
                    <button type="button" className="secondary" onClick={() => setEdit({ key, name: key.name, scopes: keyScopeChoices(key.scopes), limits: keyLimitInputs(key.scopes.rate_limits) })} aria-label={t('apiKeys.editNamed', { name: key.name })}>{t('apiKeys.edit')}</button>
                    <button type="button" className="secondary" onClick={() => void rotate(key)} aria-label={t('apiKeys.rotateNamed', { name: key.name })}>{t('apiKeys.rotate')}</button>
                    <button type="button" className="secondary" onClick={() => void revoke(key)} aria-label={t('apiKeys.revokeNamed', { name: key.name })}>{t('apiKeys.revoke')}</button>
                  </span>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}
