// @vitest-environment jsdom
import type { UsageBucketBody } from '@charter/contracts';
import { render, screen } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import '../i18n/index.js';
import { UsageChart } from './usage-chart.js';
import { dailyTokens, lastDays, startOfDayIn, usageByModel, usageQueryFor } from './usage-data.js';

function bucket(startTime: string, hours: number, values: { model?: string; requests?: number; prompt?: number; completion?: number }): UsageBucketBody {
  const prompt = values.prompt ?? 0;
  const completion = values.completion ?? 0;
  const requests = values.requests ?? 1;
  return {
    object: 'usage.bucket',
    start_time: startTime,
    end_time: new Date(Date.parse(startTime) + hours * 3_600_000).toISOString(),
    ...(values.model === undefined ? {} : { model: values.model }),
    requests,
    succeeded_requests: requests,
    failed_requests: 0,
    cancelled_requests: 0,
    prompt_tokens: prompt,
    completion_tokens: completion,
    total_tokens: prompt + completion,
  };
}

describe('usage data for the chart and tables', () => {
  it('WEB-2 a range of local days becomes the UTC instants of their midnights', () => {
    expect(usageQueryFor({ firstDate: '2025-03-01', lastDate: '2025-03-30', timeZone: 'Asia/Shanghai' })).toEqual({ from: '2025-02-28T16:00:00.000Z', to: '2025-03-30T16:00:00.000Z', granularity: 'hour' });
    expect(usageQueryFor({ firstDate: '2025-03-01', lastDate: '2025-03-01', timeZone: 'UTC' })).toEqual({ from: '2025-03-01T00:00:00.000Z', to: '2025-03-02T00:00:00.000Z', granularity: 'hour' });
    // Longer than the server's hourly limit (31 days): daily buckets.
    expect(usageQueryFor({ firstDate: '2025-01-01', lastDate: '2025-03-31', timeZone: 'UTC' }).granularity).toBe('day');
  });

  it('WEB-2 days that start in a daylight-saving change start at the right instant', () => {
    // New York: 2025-03-09 is 23 hours long (EST → EDT); 2025-11-02 is 25 hours long.
    expect(startOfDayIn('2025-03-09', 'America/New_York').toISOString()).toBe('2025-03-09T05:00:00.000Z');
    expect(startOfDayIn('2025-03-10', 'America/New_York').toISOString()).toBe('2025-03-10T04:00:00.000Z');
    expect(startOfDayIn('2025-11-03', 'America/New_York').toISOString()).toBe('2025-11-03T05:00:00.000Z');
    // A 31-day range across the spring change is still within the hourly limit.
    expect(usageQueryFor({ firstDate: '2025-03-01', lastDate: '2025-03-31', timeZone: 'America/New_York' }).granularity).toBe('hour');
  });

  it('WEB-2 the default range is the last 30 days up to today in the browser time zone', () => {
    const now = new Date('2025-06-30T20:00:00Z');
    expect(lastDays(30, 'Asia/Shanghai', now)).toEqual({ firstDate: '2025-06-02', lastDate: '2025-07-01', timeZone: 'Asia/Shanghai' });
    expect(lastDays(30, 'America/Los_Angeles', now)).toEqual({ firstDate: '2025-06-01', lastDate: '2025-06-30', timeZone: 'America/Los_Angeles' });
  });

  it('WEB-2 hourly buckets are summed per local day, with a zero entry for every day without requests', () => {
    const range = { firstDate: '2025-03-01', lastDate: '2025-03-03', timeZone: 'Asia/Shanghai' };
    const days = dailyTokens(
      [
        // 2025-03-01 23:00 in Shanghai (UTC+8) is still the 1st there.
        bucket('2025-03-01T15:00:00.000Z', 1, { model: 'a', prompt: 10, completion: 5 }),
        // 2025-03-02 00:00 in Shanghai: the 2nd, though it is the 1st in UTC.
        bucket('2025-03-01T16:00:00.000Z', 1, { model: 'a', prompt: 7, completion: 3, requests: 2 }),
        bucket('2025-03-01T16:00:00.000Z', 1, { model: 'b', prompt: 1, completion: 1 }),
      ],
      range,
      'hour',
    );
    expect(days).toEqual([
      { date: '2025-03-01', promptTokens: 10, completionTokens: 5, requests: 1 },
      { date: '2025-03-02', promptTokens: 8, completionTokens: 4, requests: 3 },
      { date: '2025-03-03', promptTokens: 0, completionTokens: 0, requests: 0 },
    ]);
  });

  it('WEB-2 daily buckets keep their UTC dates, including the clipped first and last days', () => {
    const range = { firstDate: '2025-01-01', lastDate: '2025-02-15', timeZone: 'Asia/Shanghai' };
    const days = dailyTokens(
      [bucket('2024-12-31T16:00:00.000Z', 8, { model: 'a', prompt: 4, completion: 2 }), bucket('2025-02-15T00:00:00.000Z', 16, { model: 'a', prompt: 1, completion: 1 })],
      range,
      'day',
    );
    expect(days[0]).toEqual({ date: '2024-12-31', promptTokens: 4, completionTokens: 2, requests: 1 });
    expect(days.at(-1)).toEqual({ date: '2025-02-15', promptTokens: 1, completionTokens: 1, requests: 1 });
    expect(days).toHaveLength(47);
  });

  it('WEB-2 the table has one row per model over the range, most tokens first', () => {
    const rows = usageByModel([
      bucket('2025-03-01T00:00:00.000Z', 1, { model: 'small', prompt: 1, completion: 1 }),
      bucket('2025-03-01T00:00:00.000Z', 1, { model: 'large', prompt: 100, completion: 50, requests: 3 }),
      bucket('2025-03-02T00:00:00.000Z', 1, { model: 'small', prompt: 2, completion: 3, requests: 2 }),
    ]);
    expect(rows).toEqual([
      { model: 'large', requests: 3, promptTokens: 100, completionTokens: 50, totalTokens: 150 },
      { model: 'small', requests: 3, promptTokens: 3, completionTokens: 4, totalTokens: 7 },
    ]);
    expect(usageByModel([])).toEqual([]);
  });

  it('WEB-2 the chart has a caption and a text alternative that gives the totals', () => {
    render(<UsageChart days={[{ date: '2025-03-01', promptTokens: 3, completionTokens: 4, requests: 1 }]} summary="Tokens per day: 3 prompt and 4 completion" />);
    expect(screen.getByRole('figure', { name: 'Tokens per day' })).toBeTruthy();
    expect(screen.getByRole('img', { name: 'Tokens per day: 3 prompt and 4 completion' })).toBeTruthy();
  });
});
