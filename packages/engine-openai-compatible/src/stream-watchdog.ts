import { EngineFailure } from '@charter/engine-spec';
import type { Dispatcher } from 'undici';

/**
 * Guards a streamed body: the first chunk must arrive within the first-byte budget (a long prompt's
 * prefill happens after many servers have already sent their headers), later chunks within the idle
 * timeout. While the consumer is busy with an event (`isWaiting` false) a firing timer is only re-armed:
 * a slow client must not be blamed on the upstream. On timeout the body is destroyed, which aborts the
 * upstream request and makes the pending read throw the timeout failure.
 */
export class StreamWatchdog {
  isWaiting = true;
  private hasFirstByte = false;
  private timer: NodeJS.Timeout;

  constructor(
    private readonly body: Dispatcher.ResponseData['body'],
    firstByteBudgetMs: number,
    private readonly idleTimeoutMs: number,
  ) {
    this.timer = setTimeout(onWatchdogTimeout, firstByteBudgetMs, this);
  }

  received(): void {
    if (this.hasFirstByte) {
      this.timer.refresh();
      return;
    }
    this.hasFirstByte = true;
    clearTimeout(this.timer);
    this.timer = setTimeout(onWatchdogTimeout, this.idleTimeoutMs, this);
  }

  stop(): void {
    clearTimeout(this.timer);
  }

  /** The timer fired (see `onWatchdogTimeout`). */
  expire(): void {
    if (!this.isWaiting) {
      this.timer.refresh();
      return;
    }
    const message = this.hasFirstByte
      ? `upstream sent nothing for ${this.idleTimeoutMs} ms`
      : 'upstream sent no first byte in time';
    this.body.destroy(new EngineFailure('timeout', message));
  }
}

// A module-level callback with the watchdog as its argument: no function is made per request.
function onWatchdogTimeout(watchdog: StreamWatchdog): void {
  watchdog.expire();
}
