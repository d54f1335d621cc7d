import type { CustomerProfileBody } from '@charter/contracts';
import { CharterApiError } from '@charter/sdk';
import { type FormEvent, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { charter } from '../client.js';
import { describeError } from '../components/error-message.js';
import { FormField } from '../components/form-field.js';
import { countryOptions } from '../pages/countries.js';
import { type CustomerProfileForm, toCustomerProfileForm, toCustomerProfileRequest } from './customer-profile-fields.js';

/** Which form field a server error's `param` names. */
const fieldOfParam: Record<string, keyof CustomerProfileForm> = {
  name: 'name',
  contact_person: 'contactPerson',
  phone: 'phone',
  company_name: 'companyName',
  company_registration_number: 'companyRegistrationNumber',
  'address.line1': 'line1',
  'address.line2': 'line2',
  'address.city': 'city',
  'address.postal_code': 'postalCode',
  'address.region': 'region',
  'address.country': 'country',
};

/** The customer profile (ACC-6): details kept current by the customer; staff verify them (read-only here). */
export function CustomerProfileSettings() {
  const { t, i18n } = useTranslation();
  const [profile, setProfile] = useState<CustomerProfileBody | null>(null);
  const [form, setForm] = useState<CustomerProfileForm>(toCustomerProfileForm(null));
  const [error, setError] = useState<{ message: string; field: keyof CustomerProfileForm | null } | null>(null);
  const [status, setStatus] = useState<string | null>(null);
  const [isBusy, setIsBusy] = useState(false);
  useEffect(() => {
    void charter.profile
      .retrieve()
      .then((loaded) => {
        setProfile(loaded);
        setForm(toCustomerProfileForm(loaded));
      })
      .catch((caught: unknown) => setError({ message: describeError(caught, t('common.unexpectedError')), field: null }));
  }, [t]);
  const field = (key: keyof CustomerProfileForm, label: string, extra: { autoComplete?: string; type?: string; hint?: string } = {}) => (
    <FormField label={label} value={form[key]} onChange={(event) => setForm((current) => ({ ...current, [key]: event.target.value }))} error={error?.field === key ? error.message : null} {...extra} />
  );
  const save = async (event: FormEvent) => {
    event.preventDefault();
    setIsBusy(true);
    setError(null);
    setStatus(null);
    try {
      const saved = await charter.profile.update(toCustomerProfileRequest(form));
      setProfile(saved);
      setForm(toCustomerProfileForm(saved));
      setStatus(t('common.saved'));
    } catch (caught) {
      setError({ message: describeError(caught, t('common.unexpectedError')), field: caught instanceof CharterApiError && caught.param ? (fieldOfParam[caught.param] ?? null) : null });
    } finally {
      setIsBusy(false);
    }
  };
  const verification = profile?.verification.status ?? 'unverified';
  return (
    <section aria-labelledby="customer-profile-title" className="settings-section">
      <h2 id="customer-profile-title">{t('customerProfile.title')}</h2>
      <p>{t('customerProfile.explain')}</p>
      <p>
        {t('customerProfile.verification')}: <span className={`badge verification-${verification}`} data-testid="profile-verification">{t(`customerProfile.status.${verification}`)}</span>
        {profile?.verification.changed_at ? ` · ${new Date(profile.verification.changed_at).toLocaleDateString(i18n.language)}` : null}
      </p>
      <form onSubmit={(event) => void save(event)} noValidate>
        {field('name', t('customerProfile.name'), { autoComplete: 'name' })}
        {field('contactPerson', t('customerProfile.contactPerson'))}
        {field('phone', t('customerProfile.phone'), { autoComplete: 'tel', type: 'tel', hint: t('customerProfile.phoneHint') })}
        {field('companyName', t('customerProfile.companyName'), { autoComplete: 'organization' })}
        {field('companyRegistrationNumber', t('customerProfile.registrationNumber'))}
        <fieldset>
          <legend>{t('customerProfile.address')}</legend>
          {field('line1', t('customerProfile.line1'), { autoComplete: 'address-line1' })}
          {field('line2', t('customerProfile.line2'), { autoComplete: 'address-line2' })}
          {field('city', t('customerProfile.city'), { autoComplete: 'address-level2' })}
          {field('postalCode', t('customerProfile.postalCode'), { autoComplete: 'postal-code' })}
          {field('region', t('customerProfile.region'), { autoComplete: 'address-level1' })}
          <div className="field">
            <label htmlFor="customer-profile-country">{t('customerProfile.country')}</label>
            <select id="customer-profile-country" autoComplete="country" value={form.country} onChange={(event) => setForm((current) => ({ ...current, country: event.target.value }))} aria-invalid={error?.field === 'country' ? true : undefined} aria-describedby={error?.field === 'country' ? 'customer-profile-country-error' : undefined}>
              <option value="">{t('register.chooseCountry')}</option>
              {countryOptions(i18n.language).map((country) => (
                <option key={country.code} value={country.code}>{country.name}</option>
              ))}
            </select>
            {error?.field === 'country' ? <p id="customer-profile-country-error" className="error" role="alert">{error.message}</p> : null}
          </div>
        </fieldset>
        {error && error.field === null ? <p className="error" role="alert">{error.message}</p> : null}
        {status ? <p role="status">{status}</p> : null}
        {verification !== 'unverified' ? <p className="hint">{t('customerProfile.resetWarning')}</p> : null}
        <button type="submit" disabled={isBusy}>{t('customerProfile.save')}</button>
      </form>
    </section>
  );
}
