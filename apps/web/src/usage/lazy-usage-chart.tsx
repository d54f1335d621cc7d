import { lazy, Suspense } from 'react';
import type { DailyTokens } from './usage-data.js';

// The chart library loads with the usage page, not with the rest of the app.
const UsageChart = lazy(() => import('./usage-chart.js').then((module) => ({ default: module.UsageChart })));

/** The usage chart; the space it will take stays empty while it loads (the tables beside it hold the same numbers). */
export function LazyUsageChart({ days, summary }: { days: readonly DailyTokens[]; summary: string }) {
  return (
    <Suspense fallback={<div className="chart-placeholder" aria-hidden="true" />}>
      <UsageChart days={days} summary={summary} />
    </Suspense>
  );
}
