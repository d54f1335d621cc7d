/** What the monitor currently believes about the upstream. */
export interface HealthState {
  isHealthy: boolean;
  detail: string | undefined;
}

/**
 * Tracks whether an upstream is reachable, from two sources:
 * - active: a probe run at start and then every `intervalMs` on an unref'd timer (so an idle monitor
 *   never keeps the process alive); one probe at a time, a slow probe is not stacked;
 * - passive: the engine reports connection-level failures and successes of real requests, so a dead
 *   upstream is noticed at once rather than at the next probe.
 */
export class HealthMonitor {
  private isHealthy = true;
  private detail: string | undefined = undefined;
  private timer: NodeJS.Timeout | undefined = undefined;
  private probing: Promise<void> | undefined = undefined;
  private hasProbed = false;
  private isStopped = false;

  /**
   * @param probe resolves when the upstream is healthy, rejects with the reason otherwise.
   * @param intervalMs time between probes; `undefined` disables active probing.
   */
  constructor(
    private readonly probe: () => Promise<void>,
    private readonly intervalMs: number | undefined,
  ) {}

  start(): void {
    if (this.intervalMs === undefined || this.isStopped) return;
    void this.runProbe();
    this.timer = setInterval(() => void this.runProbe(), this.intervalMs);
    this.timer.unref();
  }

  /** The last known state. Before the first probe has answered, waits for it so startup is not reported blind. */
  async state(): Promise<HealthState> {
    if (!this.hasProbed && this.probing !== undefined) await this.probing;
    return { isHealthy: this.isHealthy, detail: this.detail };
  }

  /** A real request reached the upstream and got an answer. Cheap: called on the hot path. */
  recordSuccess(): void {
    if (!this.isHealthy) {
      this.isHealthy = true;
      this.detail = undefined;
    }
  }

  /** A real request could not reach the upstream. */
  recordFailure(detail: string): void {
    this.isHealthy = false;
    this.detail = detail;
  }

  stop(): void {
    this.isStopped = true;
    if (this.timer !== undefined) clearInterval(this.timer);
    this.timer = undefined;
  }

  private runProbe(): Promise<void> {
    if (this.probing !== undefined) return this.probing;
    this.probing = this.probe().then(
      () => {
        if (this.isStopped) return;
        this.isHealthy = true;
        this.detail = undefined;
      },
      (error: unknown) => {
        if (this.isStopped) return;
        this.isHealthy = false;
        this.detail = error instanceof Error ? error.message : String(error);
      },
    );
    void this.probing.finally(() => {
      this.probing = undefined;
      this.hasProbed = true;
    });
    return this.probing;
  }
}
