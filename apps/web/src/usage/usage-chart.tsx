import { useId } from 'react';
import { useTranslation } from 'react-i18next';
import { Bar, BarChart, CartesianGrid, Legend, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import { type DailyTokens, formatDay } from './usage-data.js';

/**
 * Stacked bars of prompt and completion tokens per day (recharts renders SVG only, so it works under the strict
 * CSP). Screen readers get a summary here and the numbers in the tables beside it.
 */
export function UsageChart({ days, summary }: { days: readonly DailyTokens[]; summary: string }) {
  const { t, i18n } = useTranslation();
  const captionId = useId();
  const numbers = new Intl.NumberFormat(i18n.language, { notation: 'compact' });
  const data = days.map((day) => ({ ...day, label: formatDay(day.date, i18n.language) }));
  return (
    <figure className="usage-chart" aria-labelledby={captionId}>
      <figcaption id={captionId}>{t('usage.chartTitle')}</figcaption>
      <div role="img" aria-label={summary} className="usage-chart-canvas">
        <ResponsiveContainer width="100%" height={280}>
          <BarChart data={data} margin={{ top: 8, right: 20, bottom: 8, left: 0 }} accessibilityLayer={false}>
            <CartesianGrid vertical={false} className="usage-chart-grid" />
            <XAxis dataKey="label" tickMargin={6} minTickGap={12} className="usage-chart-axis" />
            <YAxis tickFormatter={(value: number) => numbers.format(value)} width={48} allowDecimals={false} className="usage-chart-axis" />
            <Tooltip formatter={(value) => new Intl.NumberFormat(i18n.language).format(Number(value))} wrapperClassName="usage-chart-tooltip" />
            <Legend itemSorter={(item) => (item.dataKey === 'promptTokens' ? 0 : 1)} />
            <Bar dataKey="promptTokens" name={t('usage.promptTokens')} stackId="tokens" fill="var(--chart-prompt)" isAnimationActive={false} />
            <Bar dataKey="completionTokens" name={t('usage.completionTokens')} stackId="tokens" fill="var(--chart-completion)" isAnimationActive={false} />
          </BarChart>
        </ResponsiveContainer>
      </div>
    </figure>
  );
}
