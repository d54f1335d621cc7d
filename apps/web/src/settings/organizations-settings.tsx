import { type FormEvent, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate } from 'react-router';
import { charter } from '../client.js';
import { ErrorMessage } from '../components/error-message.js';
import { FormField } from '../components/form-field.js';
import { useActingOrganization } from '../organizations/acting-organization.js';

/** My organisations and a form to create one (I become its owner). */
export function OrganizationsSettings() {
  const { t, i18n } = useTranslation();
  const { organizations, reload } = useActingOrganization();
  const navigate = useNavigate();
  const [name, setName] = useState('');
  const [error, setError] = useState<unknown>(null);
  const [isBusy, setIsBusy] = useState(false);

  const create = async (event: FormEvent) => {
    event.preventDefault();
    setError(null);
    setIsBusy(true);
    try {
      const organization = await charter.organizations.create(name.trim());
      await reload();
      navigate(`/settings/organizations/${encodeURIComponent(organization.id)}`);
    } catch (caught) {
      setError(caught);
    } finally {
      setIsBusy(false);
    }
  };

  return (
    <section aria-labelledby="organizations-title">
      <h1 id="organizations-title">{t('organizations.title')}</h1>
      <p className="hint">{t('organizations.explain')}</p>
      {organizations.length === 0 ? <p className="notice">{t('organizations.none')}</p> : (
        <table aria-labelledby="organizations-title">
          <thead>
            <tr>
              <th scope="col">{t('organizations.name')}</th>
              <th scope="col">{t('organizations.myRole')}</th>
              <th scope="col">{t('organizations.created')}</th>
            </tr>
          </thead>
          <tbody>
            {organizations.map((organization) => (
              <tr key={organization.id}>
                <td><Link to={`/settings/organizations/${encodeURIComponent(organization.id)}`}>{organization.name}</Link></td>
                <td>{t(`roles.${organization.role}`)}</td>
                <td>{new Date(organization.created_at).toLocaleDateString(i18n.language)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <h2 id="organization-create-title">{t('organizations.createTitle')}</h2>
      <form onSubmit={(event) => void create(event)} className="inline-form" aria-labelledby="organization-create-title">
        <FormField label={t('organizations.name')} value={name} onChange={(event) => setName(event.target.value)} required maxLength={100} />
        <div className="field">
          <button type="submit" disabled={isBusy || !name.trim()}>{t('organizations.create')}</button>
        </div>
      </form>
      <ErrorMessage error={error} />
    </section>
  );
}
