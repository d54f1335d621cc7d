import { useTranslation } from 'react-i18next';
import { FormField } from '../components/form-field.js';
import { keyLimitFields, type KeyLimitInputs } from './key-rate-limits.js';

/** The four limit inputs of a key, empty meaning "none: the plan's limits apply". */
export function KeyLimitsFieldset({ inputs, onChange }: { inputs: KeyLimitInputs; onChange: (inputs: KeyLimitInputs) => void }) {
  const { t } = useTranslation();
  return (
    <fieldset className="key-limits">
      <legend>{t('apiKeys.ownLimits')}</legend>
      <p className="hint">{t('apiKeys.ownLimitsHint')}</p>
      {keyLimitFields.map(({ field, label }) => (
        <FormField
          key={field}
          label={t(label)}
          type="number"
          inputMode="numeric"
          min={1}
          max={1_000_000_000}
          step={1}
          value={inputs[field]}
          onChange={(event) => onChange({ ...inputs, [field]: event.target.value })}
        />
      ))}
    </fieldset>
  );
}
