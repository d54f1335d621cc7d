import { useTranslation } from 'react-i18next';
import { endpointMessage, keyEndpointChoices, type KeyScopeChoices } from './key-scopes.js';

/** Tick the models and endpoint families a new key may use; nothing ticked in a group leaves it unrestricted. */
export function KeyScopesFieldset({ models, choices, onChange }: { models: readonly string[]; choices: KeyScopeChoices; onChange: (choices: KeyScopeChoices) => void }) {
  const { t } = useTranslation();
  const toggle = <T extends string>(list: readonly T[], value: T, isOn: boolean): T[] => (isOn ? [...list, value] : list.filter((entry) => entry !== value));
  return (
    <>
      <fieldset className="key-scopes">
        <legend>{t('apiKeys.modelsScope')}</legend>
        <p className="hint">{t('apiKeys.modelsScopeHint')}</p>
        {models.map((model) => (
          <label key={model} className="checkbox">
            <input type="checkbox" checked={choices.models.includes(model)} onChange={(event) => onChange({ ...choices, models: toggle(choices.models, model, event.target.checked) })} />
            {model}
          </label>
        ))}
      </fieldset>
      <fieldset className="key-scopes">
        <legend>{t('apiKeys.endpointsScope')}</legend>
        <p className="hint">{t('apiKeys.endpointsScopeHint')}</p>
        {keyEndpointChoices().map((endpoint) => (
          <label key={endpoint} className="checkbox">
            <input type="checkbox" checked={choices.endpoints.includes(endpoint)} onChange={(event) => onChange({ ...choices, endpoints: toggle(choices.endpoints, endpoint, event.target.checked) })} />
            {t(endpointMessage(endpoint))}
          </label>
        ))}
      </fieldset>
    </>
  );
}
