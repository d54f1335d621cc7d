import { useEffect, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { recoveryCodesFileName, recoveryCodesFileText } from './recovery-codes-file.js';

/** Recovery codes, shown once right after they are made: copy, download as text, then confirm they are saved. */
export function RecoveryCodesPanel({ codes, account, onDone }: { codes: readonly string[]; account: string; onDone: () => void }) {
  const { t, i18n } = useTranslation();
  const [isCopied, setIsCopied] = useState(false);
  const text = useMemo(
    () => recoveryCodesFileText({ heading: t('twoFactor.fileHeading'), explanation: t('twoFactor.recoveryExplain'), account, createdAt: new Date().toLocaleString(i18n.language), codes }),
    [codes, account, t, i18n.language],
  );
  // A blob: URL for the download link; released when the codes leave the screen.
  const downloadUrl = useMemo(() => URL.createObjectURL(new Blob([text], { type: 'text/plain;charset=utf-8' })), [text]);
  useEffect(() => () => URL.revokeObjectURL(downloadUrl), [downloadUrl]);
  const copy = async () => {
    await navigator.clipboard.writeText(codes.join('\n'));
    setIsCopied(true);
  };
  return (
    <div className="secret-box recovery-codes" role="region" aria-labelledby="recovery-codes-title">
      <h3 id="recovery-codes-title">{t('twoFactor.recoveryTitle')}</h3>
      <p>{t('twoFactor.recoveryExplain')}</p>
      <ol className="code-list" data-testid="recovery-codes">
        {codes.map((code) => (
          <li key={code}><code>{code}</code></li>
        ))}
      </ol>
      <div className="button-row">
        <button type="button" className="secondary" onClick={() => void copy().catch(() => setIsCopied(false))}>{isCopied ? t('apiKeys.copied') : t('twoFactor.copyCodes')}</button>
        <a className="button-link" href={downloadUrl} download={recoveryCodesFileName}>{t('twoFactor.downloadCodes')}</a>
        <button type="button" onClick={onDone}>{t('twoFactor.savedCodes')}</button>
      </div>
    </div>
  );
}
