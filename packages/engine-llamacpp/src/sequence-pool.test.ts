import { EngineFailure } from '@charter/engine-spec';
import { describe, expect, it } from 'vitest';
import { SequencePool } from './sequence-pool.js';

const signal = (): AbortSignal => new AbortController().signal;

async function kindOf(promise: Promise<unknown>): Promise<string> {
  const error: unknown = await promise.then(
    () => undefined,
    (rejection: unknown) => rejection,
  );
  expect(error).toBeInstanceOf(EngineFailure);
  return (error as EngineFailure).kind;
}

describe('SequencePool', () => {
  it('API-7 hands out free slots, then queues in FIFO order up to maxQueue, then refuses as overloaded', async () => {
    const pool = new SequencePool(['a', 'b'], { maxQueue: 2 });
    const first = await pool.acquire(signal());
    const second = await pool.acquire(signal());
    expect([first.resource, second.resource]).toEqual(['a', 'b']);
    const order: string[] = [];
    const third = pool.acquire(signal()).then((lease) => (order.push('third'), lease));
    const fourth = pool.acquire(signal()).then((lease) => (order.push('fourth'), lease));
    expect({ active: pool.activeCount, queued: pool.queueDepth }).toEqual({ active: 2, queued: 2 });
    expect(await kindOf(pool.acquire(signal()))).toBe('overloaded');

    second.release();
    second.release(); // a second release is ignored
    const thirdLease = await third;
    expect(thirdLease.resource).toBe('b');
    first.release();
    expect((await fourth).resource).toBe('a');
    expect(order).toEqual(['third', 'fourth']);
    expect({ active: pool.activeCount, queued: pool.queueDepth }).toEqual({ active: 2, queued: 0 });
  });

  it('API-7 an aborted waiter leaves the queue, and an aborted signal never takes a slot', async () => {
    const pool = new SequencePool(['a'], { maxQueue: 1 });
    const held = await pool.acquire(signal());
    const controller = new AbortController();
    const waiting = pool.acquire(controller.signal);
    expect(pool.queueDepth).toBe(1);
    controller.abort();
    expect(await kindOf(waiting)).toBe('aborted');
    expect(pool.queueDepth).toBe(0);
    expect(await kindOf(pool.acquire(controller.signal))).toBe('aborted');
    held.release();
    expect(pool.activeCount).toBe(0);
    expect((await pool.acquire(signal())).resource).toBe('a');
  });

  it('API-7 close rejects waiters and new requests with the given failure', async () => {
    const pool = new SequencePool(['a'], { maxQueue: 4 });
    await pool.acquire(signal());
    const waiting = pool.acquire(signal());
    pool.close(new EngineFailure('unavailable', 'closing'));
    expect(await kindOf(waiting)).toBe('unavailable');
    expect(await kindOf(pool.acquire(signal()))).toBe('unavailable');
  });
});
