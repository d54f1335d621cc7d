import { useId } from 'react';
import { useTranslation } from 'react-i18next';
import { countryOptions } from '../pages/countries.js';
import { FormField } from './form-field.js';

/** The attestation every new account gives, however it signs in (ACC-1, ACC-2, POL-3). */
export interface EligibilityValues {
  dateOfBirth: string;
  country: string;
  region: string;
  isTermsAccepted: boolean;
}

/** Date of birth, country, region and the acceptance of the documents in force: shared by both sign-up forms. */
export function EligibilityFields(props: {
  values: EligibilityValues;
  onChange: <K extends keyof EligibilityValues>(key: K, value: EligibilityValues[K]) => void;
  fieldError: (param: string) => string | null;
  versions: { terms: string; privacy: string } | null;
}) {
  const { t, i18n } = useTranslation();
  const id = useId();
  const { values, onChange, fieldError, versions } = props;
  return (
    <>
      <FormField label={t('fields.dateOfBirth')} type="date" required hint={t('register.ageHint')} value={values.dateOfBirth} onChange={(event) => onChange('dateOfBirth', event.target.value)} error={fieldError('date_of_birth')} />
      <div className="field">
        <label htmlFor={`${id}-country`}>{t('fields.country')}</label>
        <select id={`${id}-country`} required value={values.country} onChange={(event) => onChange('country', event.target.value)} aria-invalid={fieldError('country') ? true : undefined}>
          <option value="">{t('register.chooseCountry')}</option>
          {countryOptions(i18n.language).map((country) => (
            <option key={country.code} value={country.code}>{country.name}</option>
          ))}
        </select>
        {fieldError('country') ? <p className="error" role="alert">{fieldError('country')}</p> : null}
      </div>
      <FormField label={t('fields.region')} hint={t('register.regionHint')} value={values.region} onChange={(event) => onChange('region', event.target.value.toUpperCase())} error={fieldError('region')} />
      <div className="field checkbox">
        <input id={`${id}-terms`} type="checkbox" checked={values.isTermsAccepted} onChange={(event) => onChange('isTermsAccepted', event.target.checked)} />
        <label htmlFor={`${id}-terms`}>{t('register.accept', { terms: versions?.terms ?? '…', privacy: versions?.privacy ?? '…' })}</label>
      </div>
    </>
  );
}

/** Params the eligibility fields show their own errors for. */
export const eligibilityParams = ['date_of_birth', 'country', 'region'];
