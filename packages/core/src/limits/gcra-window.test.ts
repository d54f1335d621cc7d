import { describe, expect, it } from 'vitest';
import { gcraLevelAt, gcraReturn, gcraTake, gcraView, type GcraWindowLimit, type GcraWindowState } from './gcra-window.js';

/** Takes one unit at a time at `nowMs` until refused; returns how many fit. */
function burst(window: GcraWindowLimit, state: GcraWindowState | undefined, nowMs: number, attempts: number): { admitted: number; state: GcraWindowState } {
  let level = gcraLevelAt(state, window, nowMs);
  let admitted = 0;
  for (let attempt = 0; attempt < attempts; attempt++) {
    const taken = gcraTake(level, window, 1);
    if (!taken.isAdmitted) continue;
    level = taken.levelScaled;
    admitted++;
  }
  return { admitted, state: { levelScaled: level, updatedAtMs: nowMs } };
}

describe('GCRA window math', () => {
  it('API-5 a full window is admitted in one burst and nothing more, for limits that do not divide the period', () => {
    for (const limit of [1, 3, 7, 60, 61, 997]) {
      const window = { limit, periodMs: 60_000 };
      expect(burst(window, undefined, 0, limit * 10).admitted).toBe(limit);
    }
    // The largest limit over the longest period: the last unit still fits exactly, one more does not.
    const largest = { limit: 1_000_000_000, periodMs: 3_600_000 };
    const almostFull = gcraTake(0, largest, largest.limit - 1);
    expect(almostFull.isAdmitted).toBe(true);
    expect(burst(largest, { levelScaled: almostFull.levelScaled, updatedAtMs: 0 }, 0, 5).admitted).toBe(1);
  });

  it('API-5 a refused take says exactly when it would fit, and it does fit then and not a millisecond earlier', () => {
    const window = { limit: 7, periodMs: 60_000 };
    const { state } = burst(window, undefined, 1_000, 7);
    const refused = gcraTake(gcraLevelAt(state, window, 1_000), window, 1);
    expect(refused).toEqual({ isAdmitted: false, levelScaled: 7 * 60_000, retryAfterMs: Math.ceil(60_000 / 7) });
    const waitMs = refused.isAdmitted ? 0 : refused.retryAfterMs!;
    expect(gcraTake(gcraLevelAt(state, window, 1_000 + waitMs - 1), window, 1).isAdmitted).toBe(false);
    expect(gcraTake(gcraLevelAt(state, window, 1_000 + waitMs), window, 1).isAdmitted).toBe(true);
  });

  it('API-5 the window refills evenly: after half the period half the limit is available again', () => {
    const window = { limit: 10, periodMs: 60_000 };
    const { state } = burst(window, undefined, 0, 10);
    expect(gcraView(gcraLevelAt(state, window, 30_000), window)).toEqual({ remaining: 5, resetAfterMs: 30_000 });
    expect(gcraView(gcraLevelAt(state, window, 60_000), window)).toEqual({ remaining: 10, resetAfterMs: 0 });
    expect(gcraView(gcraLevelAt(state, window, 10 * 60_000), window)).toEqual({ remaining: 10, resetAfterMs: 0 });
  });

  it('API-5 there is no window boundary that lets twice the limit through', () => {
    const window = { limit: 10, periodMs: 60_000 };
    // Fixed windows would admit 10 at 59.999 s and 10 more at 60.000 s; GCRA admits 10 then what refilled.
    const first = burst(window, undefined, 59_999, 100);
    const second = burst(window, first.state, 60_000, 100);
    expect(first.admitted + second.admitted).toBe(10);
  });

  it('API-5 a cost above the limit can never fit and says so with no retry time', () => {
    expect(gcraTake(0, { limit: 1000, periodMs: 60_000 }, 1001)).toEqual({ isAdmitted: false, levelScaled: 0, retryAfterMs: null });
    expect(gcraTake(0, { limit: 1000, periodMs: 60_000 }, 1000).isAdmitted).toBe(true);
  });

  it('API-5 returned units come back at once, never below empty; negative returns charge more', () => {
    const window = { limit: 1000, periodMs: 60_000 };
    const taken = gcraTake(0, window, 800);
    const level = taken.isAdmitted ? taken.levelScaled : -1;
    expect(gcraView(gcraReturn(level, window, 500), window).remaining).toBe(700);
    expect(gcraReturn(level, window, 5000)).toBe(0);
    expect(gcraView(gcraReturn(level, window, -300), window).remaining).toBe(0);
    expect(gcraView(gcraReturn(level, window, -300), window).resetAfterMs).toBe(66_000);
  });

  it('API-5 a clock that goes backwards drains nothing', () => {
    const window = { limit: 10, periodMs: 60_000 };
    const state = { levelScaled: 6 * 60_000, updatedAtMs: 100_000 };
    expect(gcraLevelAt(state, window, 50_000)).toBe(6 * 60_000);
  });
});
