import { InvalidRequestError } from '../errors.js';
import type { Clock } from '../shared/clock.js';
import type { Logger } from '../shared/logger.js';
import { type BillingOwner, billingOwnerKey } from './billing-owner.js';
import { quotaNoticeThresholds, type QuotaNotice, type QuotaPeriod, type QuotaPeriodRange, type QuotaRule, type QuotaStatus, type QuotaSubject } from './quota.js';
import { QuotaExceededError } from './quota-errors.js';
import type { QuotaNoticeSink } from './quota-notice-sink.js';
import { quotaPeriodAt } from './quota-period.js';
import type { QuotaUsageStore } from './quota-usage-store.js';

export interface QuotaServiceOptions {
  usage: QuotaUsageStore;
  notices: QuotaNoticeSink;
  clock: Clock;
  logger: Logger;
  /**
   * How long a counter read from the store is trusted on this node. Other nodes' usage shows up within this
   * time, so the quota can be overrun by what other nodes serve meanwhile (default 1 s).
   */
  usageCacheTtlMs?: number;
  /** Recorded consumption is added to the store at least this often (default 1 s). */
  flushIntervalMs?: number;
  /** Called once for each newly recorded threshold notice (for logs, metrics, delivery). */
  onNotice?: (notice: QuotaNotice) => void;
}

interface PendingConsumption {
  owner: BillingOwner;
  periodStartsAt: Date;
  tokens: number;
  /** The quota in force when the tokens were recorded; thresholds are measured against it. */
  amount: number;
}

interface CachedUsage {
  tokens: Promise<number>;
  fetchedAtMs: number;
}

/** Entries beyond this many are dropped wholesale; the cache only saves reads. */
const maxCachedCounters = 50_000;

/**
 * Usage quotas per plan (API-6): calendar-month or -year periods in the owner's billing time zone; a check
 * before admission (refuse past the quota under `block`, serve and flag overage under `bill`); consumption
 * added after settlement, in batches off the request path; notices at 80% and 100%, once per period.
 *
 * A request admitted while below the quota is served in full, so usage can pass the quota by what was in
 * flight. Counters are written behind like usage records: a hard crash loses at most one flush interval of
 * quota counting (the usage records, written separately, stay the billing truth).
 */
export class QuotaService {
  readonly #usage: QuotaUsageStore;
  readonly #notices: QuotaNoticeSink;
  readonly #clock: Clock;
  readonly #logger: Logger;
  readonly #usageCacheTtlMs: number;
  readonly #onNotice: (notice: QuotaNotice) => void;
  readonly #timer: NodeJS.Timeout;
  readonly #cache = new Map<string, CachedUsage>();
  readonly #periods = new Map<string, QuotaPeriodRange>();
  #pending = new Map<string, PendingConsumption>();
  #flushing: Promise<void> | undefined;

  constructor(options: QuotaServiceOptions) {
    this.#usage = options.usage;
    this.#notices = options.notices;
    this.#clock = options.clock;
    this.#logger = options.logger;
    this.#usageCacheTtlMs = options.usageCacheTtlMs ?? 1000;
    this.#onNotice = options.onNotice ?? (() => {});
    this.#timer = setInterval(() => void this.flush(), options.flushIntervalMs ?? 1000);
    this.#timer.unref();
  }

  /** Where the owner stands, without refusing anything. */
  async status(subject: QuotaSubject): Promise<QuotaStatus> {
    const rule = subject.quota;
    if (rule === null) return { isLimited: false, period: null, usedTokens: null, limitTokens: null, remainingTokens: null, isOverage: false };
    assertCountable(rule);
    const period = this.#periodAt(this.#clock(), rule.period, subject.billingTimeZone);
    const key = counterKey(subject.owner, period.startsAt);
    const usedTokens = (await this.#storedTokens(subject.owner, period.startsAt, key)) + (this.#pending.get(key)?.tokens ?? 0);
    const isPast = usedTokens >= rule.amount;
    return {
      isLimited: true,
      period,
      usedTokens,
      limitTokens: rule.amount,
      remainingTokens: Math.max(0, rule.amount - usedTokens),
      isOverage: isPast && rule.overage === 'bill',
    };
  }

  /**
   * The check before admission: throws `QuotaExceededError` (429 `insufficient_quota`) when the quota is used
   * up and the plan blocks overage; otherwise returns the status, `isOverage` set when the excess is billed.
   */
  async check(subject: QuotaSubject): Promise<QuotaStatus> {
    const status = await this.status(subject);
    if (status.isLimited && subject.quota?.overage === 'block' && status.remainingTokens === 0) {
      throw new QuotaExceededError({ planId: subject.planId, period: status.period });
    }
    return status;
  }

  /** Count tokens a settled request used. Never waits for the store; written by the next flush. */
  record(subject: QuotaSubject, tokens: number): void {
    const rule = subject.quota;
    if (rule === null || tokens <= 0) return;
    if (!Number.isSafeInteger(tokens)) throw new InvalidRequestError('tokens must be an integer.', 'tokens');
    assertCountable(rule);
    const period = this.#periodAt(this.#clock(), rule.period, subject.billingTimeZone);
    const key = counterKey(subject.owner, period.startsAt);
    const pending = this.#pending.get(key);
    if (pending) {
      pending.tokens += tokens;
      pending.amount = rule.amount;
    } else {
      this.#pending.set(key, { owner: subject.owner, periodStartsAt: period.startsAt, tokens, amount: rule.amount });
    }
  }

  /** Consumption recorded but not yet written. */
  get pendingCount(): number {
    return this.#pending.size;
  }

  /** Write recorded consumption now and send due notices. Concurrent calls share one flush. */
  flush(): Promise<void> {
    this.#flushing ??= this.#flushAll().finally(() => {
      this.#flushing = undefined;
    });
    return this.#flushing;
  }

  async close(): Promise<void> {
    clearInterval(this.#timer);
    await this.flush();
    if (this.#pending.size > 0) await this.flush();
    if (this.#pending.size > 0) this.#logger.error({ lost: this.#pending.size }, 'quota counters could not be written before shutdown');
  }

  async #flushAll(): Promise<void> {
    const batch = this.#pending;
    this.#pending = new Map();
    for (const [key, entry] of batch) {
      let total: number;
      try {
        total = await this.#usage.add({ owner: entry.owner, periodStartsAt: entry.periodStartsAt, tokens: entry.tokens, updatedAt: this.#clock() });
      } catch (error) {
        this.#logger.warn({ err: error }, 'quota counter could not be written; will retry');
        this.#requeue(key, entry);
        continue;
      }
      this.#cache.set(key, { tokens: Promise.resolve(total), fetchedAtMs: this.#clock().getTime() });
      await this.#sendNotices(entry, total);
    }
  }

  // Adds are serialised by the store, so exactly one add crosses each threshold, on whichever node.
  async #sendNotices(entry: PendingConsumption, total: number): Promise<void> {
    const previous = total - entry.tokens;
    for (const thresholdPercent of quotaNoticeThresholds) {
      const thresholdTokens = Math.ceil((entry.amount * thresholdPercent) / 100);
      if (previous >= thresholdTokens || total < thresholdTokens) continue;
      const notice: QuotaNotice = { owner: entry.owner, periodStartsAt: entry.periodStartsAt, thresholdPercent, createdAt: this.#clock() };
      try {
        if (await this.#notices.record(notice)) {
          this.#logger.info({ ownerType: entry.owner.ownerType, ownerId: entry.owner.ownerId, thresholdPercent }, 'quota threshold reached');
          this.#onNotice(notice);
        }
      } catch (error) {
        this.#logger.warn({ err: error, thresholdPercent }, 'quota notice could not be recorded');
      }
    }
  }

  #requeue(key: string, entry: PendingConsumption): void {
    const newer = this.#pending.get(key);
    if (newer) newer.tokens += entry.tokens;
    else this.#pending.set(key, entry);
  }

  async #storedTokens(owner: BillingOwner, periodStartsAt: Date, key: string): Promise<number> {
    const nowMs = this.#clock().getTime();
    const cached = this.#cache.get(key);
    if (cached && nowMs - cached.fetchedAtMs <= this.#usageCacheTtlMs) return cached.tokens;
    if (this.#cache.size >= maxCachedCounters) this.#cache.clear();
    // Concurrent requests of one owner share a single read.
    const tokens = this.#usage.get(owner, periodStartsAt);
    this.#cache.set(key, { tokens, fetchedAtMs: nowMs });
    try {
      return await tokens;
    } catch (error) {
      if (this.#cache.get(key)?.tokens === tokens) this.#cache.delete(key);
      throw error;
    }
  }

  // Periods change once a month; computing one takes several Intl calls, so the current one is remembered.
  #periodAt(now: Date, period: QuotaPeriod, timeZone: string): QuotaPeriodRange {
    const key = `${period}\u0000${timeZone}`;
    const cached = this.#periods.get(key);
    if (cached && cached.startsAt.getTime() <= now.getTime() && now.getTime() < cached.endsAt.getTime()) return cached;
    const range = quotaPeriodAt(now, period, timeZone);
    this.#periods.set(key, range);
    return range;
  }
}

/** Spend quotas are refused loudly until prices exist, rather than silently never counting. */
export function assertCountable(rule: QuotaRule): void {
  if (rule.unit !== 'tokens') {
    throw new InvalidRequestError('Spend quotas need the price book, which does not exist yet; use a token quota.', 'quota.unit');
  }
}

function counterKey(owner: BillingOwner, periodStartsAt: Date): string {
  return `${billingOwnerKey(owner)}\u0000${periodStartsAt.getTime()}`;
}
