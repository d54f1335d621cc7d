import type { UsageReportBody } from '@charter/contracts';
import { type FormEvent, useEffect, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { charter } from '../client.js';
import { ErrorMessage } from '../components/error-message.js';
import { FormField } from '../components/form-field.js';
import { useActingOrganization } from '../organizations/acting-organization.js';
import { LazyUsageChart } from '../usage/lazy-usage-chart.js';
import { dailyTokens, formatDay, lastDays, type UsageRange, usageByModel, usageQueryFor } from '../usage/usage-data.js';

const browserTimeZone = () => Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';

type Loaded = { status: 'loading' } | { status: 'loaded'; report: UsageReportBody; range: UsageRange } | { status: 'failed'; error: unknown };

/** Usage (WEB-2): tokens per day and per model for a range of days, for me or the organisation I act for. */
export function UsageSettings() {
  const { t, i18n } = useTranslation();
  const { acting } = useActingOrganization();
  const [range, setRange] = useState<UsageRange>(() => lastDays(30, browserTimeZone()));
  const [draft, setDraft] = useState({ firstDate: range.firstDate, lastDate: range.lastDate });
  const [loaded, setLoaded] = useState<Loaded>({ status: 'loading' });
  const [downloadError, setDownloadError] = useState<unknown>(null);
  const query = useMemo(() => usageQueryFor(range), [range]);
  const organizationId = acting?.id ?? null;

  useEffect(() => {
    let isCurrent = true;
    setLoaded({ status: 'loading' });
    charter.usage
      .report({ ...query, group_by: ['model'] })
      .then((report) => isCurrent && setLoaded({ status: 'loaded', report, range }))
      .catch((error: unknown) => isCurrent && setLoaded({ status: 'failed', error }));
    return () => {
      isCurrent = false;
    };
  }, [query, range, organizationId]);

  const apply = (event: FormEvent) => {
    event.preventDefault();
    if (draft.firstDate && draft.lastDate && draft.firstDate <= draft.lastDate) setRange({ ...draft, timeZone: range.timeZone });
  };

  const download = async () => {
    setDownloadError(null);
    try {
      const csv = await charter.usage.exportCsv({ from: query.from, to: query.to });
      const url = URL.createObjectURL(csv);
      const link = document.createElement('a');
      link.href = url;
      link.download = `usage-${range.firstDate}-${range.lastDate}.csv`;
      document.body.append(link);
      link.click();
      link.remove();
      setTimeout(() => URL.revokeObjectURL(url), 10_000);
    } catch (error) {
      setDownloadError(error);
    }
  };

  const integer = new Intl.NumberFormat(i18n.language);
  const isRangeValid = Boolean(draft.firstDate && draft.lastDate && draft.firstDate <= draft.lastDate);
  return (
    <section aria-labelledby="usage-title" className="usage">
      <h1 id="usage-title">{t('usage.title')}</h1>
      <p className="hint">{acting ? t('usage.forOrganization', { name: acting.name }) : t('usage.forPersonal')}</p>
      <form onSubmit={apply} className="inline-form" aria-label={t('usage.rangeLabel')}>
        <FormField label={t('usage.from')} type="date" value={draft.firstDate} max={draft.lastDate || undefined} required onChange={(event) => setDraft({ ...draft, firstDate: event.target.value })} />
        <FormField label={t('usage.to')} type="date" value={draft.lastDate} min={draft.firstDate || undefined} required onChange={(event) => setDraft({ ...draft, lastDate: event.target.value })} />
        <div className="field">
          <button type="submit" disabled={!isRangeValid}>{t('usage.show')}</button>
        </div>
        <div className="field">
          <button type="button" className="secondary" onClick={() => void download()}>{t('usage.downloadCsv')}</button>
        </div>
      </form>
      <p className="hint">{query.granularity === 'hour' ? t('usage.timeZoneNote', { timeZone: range.timeZone }) : t('usage.utcNote')}</p>
      <ErrorMessage error={downloadError} />
      {loaded.status === 'loading' ? <p role="status">{t('common.loading')}</p> : null}
      {loaded.status === 'failed' ? <ErrorMessage error={loaded.error} /> : null}
      {loaded.status === 'loaded' ? <UsageReport report={loaded.report} range={loaded.range} granularity={loaded.report.granularity} integer={integer} /> : null}
    </section>
  );
}

function UsageReport({ report, range, granularity, integer }: { report: UsageReportBody; range: UsageRange; granularity: 'hour' | 'day'; integer: Intl.NumberFormat }) {
  const { t, i18n } = useTranslation();
  const days = useMemo(() => dailyTokens(report.data, range, granularity), [report, range, granularity]);
  const models = useMemo(() => usageByModel(report.data), [report]);
  if (report.totals.requests === 0) return <p className="notice" role="status">{t('usage.empty')}</p>;
  const summary = t('usage.chartSummary', {
    first: formatDay(range.firstDate, i18n.language),
    last: formatDay(range.lastDate, i18n.language),
    prompt: integer.format(report.totals.prompt_tokens),
    completion: integer.format(report.totals.completion_tokens),
  });
  return (
    <>
      <LazyUsageChart days={days} summary={summary} />
      <h2 id="usage-models-title">{t('usage.byModel')}</h2>
      <UsageTable
        aria-labelledby="usage-models-title"
        labelHeader={t('usage.model')}
        rows={models.map((row) => ({ key: row.model, label: row.model, requests: row.requests, promptTokens: row.promptTokens, completionTokens: row.completionTokens }))}
        total={{ key: 'total', label: t('usage.total'), requests: report.totals.requests, promptTokens: report.totals.prompt_tokens, completionTokens: report.totals.completion_tokens }}
        integer={integer}
      />
      <details className="usage-days">
        <summary>{t('usage.showDays')}</summary>
        <UsageTable
          aria-label={t('usage.chartTitle')}
          labelHeader={t('usage.day')}
          rows={days.map((day) => ({ key: day.date, label: formatDay(day.date, i18n.language), requests: day.requests, promptTokens: day.promptTokens, completionTokens: day.completionTokens }))}
          integer={integer}
        />
      </details>
    </>
  );
}

interface UsageTableRow {
  key: string;
  label: string;
  requests: number;
  promptTokens: number;
  completionTokens: number;
}

/** Requests and tokens per row (a model, a day), with an optional total row. */
function UsageTable({ labelHeader, rows, total, integer, ...labelling }: { labelHeader: string; rows: UsageTableRow[]; total?: UsageTableRow; integer: Intl.NumberFormat; 'aria-label'?: string; 'aria-labelledby'?: string }) {
  const { t } = useTranslation();
  const cells = (row: UsageTableRow) => (
    <>
      <th scope="row">{row.label}</th>
      <td>{integer.format(row.requests)}</td>
      <td>{integer.format(row.promptTokens)}</td>
      <td>{integer.format(row.completionTokens)}</td>
    </>
  );
  return (
    <table {...labelling} className="numbers">
      <thead>
        <tr>
          <th scope="col">{labelHeader}</th>
          <th scope="col">{t('usage.requests')}</th>
          <th scope="col">{t('usage.promptTokens')}</th>
          <th scope="col">{t('usage.completionTokens')}</th>
        </tr>
      </thead>
      <tbody>
        {rows.map((row) => (
          <tr key={row.key}>{cells(row)}</tr>
        ))}
      </tbody>
      {total ? (
        <tfoot>
          <tr>{cells(total)}</tr>
        </tfoot>
      ) : null}
    </table>
  );
}
