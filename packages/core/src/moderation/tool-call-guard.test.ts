import type { ToolCallDelta } from '@charter/engine-spec';
import { describe, expect, it } from 'vitest';
import { ContentModerator, type ModerationResult } from './content-moderator.js';
import { OutputGuard } from './output-guard.js';
import { readableJsonArguments, ToolCallGuard } from './tool-call-guard.js';
import { parseModerationPolicy } from './validate-moderation-policy.js';

function guardFor(categories: Record<string, unknown>, options: { checkIntervalChars?: number } = {}) {
  const moderator = new ContentModerator({ policy: parseModerationPolicy({ categories }) });
  const recorded: Array<{ result: ModerationResult; text: string }> = [];
  const guard = new ToolCallGuard(
    () =>
      new OutputGuard({
        moderate: (json) => moderator.moderate({ text: readableJsonArguments(json), direction: 'output', source: 'assistant' }),
        record: async (result, text) => {
          recorded.push({ result, text });
        },
        checkIntervalChars: options.checkIntervalChars ?? 16,
        holdBackChars: 8,
      }),
  );
  return { guard, recorded };
}

/** Streams each call's arguments in pieces of `size` characters, the calls one after another. */
function deltasOf(calls: ReadonlyArray<{ id: string; name: string; arguments: string }>, size = 5): ToolCallDelta[][] {
  const deltas: ToolCallDelta[][] = [];
  calls.forEach((call, index) => {
    deltas.push([{ index, id: call.id, name: call.name, argumentsJsonDelta: '' }]);
    for (let start = 0; start < call.arguments.length; start += size) deltas.push([{ index, argumentsJsonDelta: call.arguments.slice(start, start + size) }]);
  });
  return deltas;
}

async function run(guard: ToolCallGuard, deltas: readonly ToolCallDelta[][]): Promise<{ released: ToolCallDelta[]; isBlocked: boolean }> {
  const released: ToolCallDelta[] = [];
  for (const delta of deltas) {
    const decision = await guard.push(delta);
    if (decision.isBlocked) return { released, isBlocked: true };
    released.push(...decision.release);
  }
  const rest = await guard.finish();
  released.push(...rest.release);
  return { released, isBlocked: rest.isBlocked };
}

function joined(released: readonly ToolCallDelta[], index: number): { id?: string; name?: string; arguments: string } {
  const parts = released.filter((delta) => delta.index === index);
  return { id: parts.find((delta) => delta.id)?.id, name: parts.find((delta) => delta.name)?.name, arguments: parts.map((delta) => delta.argumentsJsonDelta ?? '').join('') };
}

describe('ToolCallGuard', () => {
  const weather = { id: 'call_1', name: 'get_weather', arguments: '{"city": "Zürich", "unit": "celsius", "days": 3}' };
  const search = { id: 'call_2', name: 'search', arguments: '{"query": "opening hours of the public library"}' };

  it('AUP-2 releases benign function-call arguments whole, with each call id and name, in order', async () => {
    const { guard, recorded } = guardFor({});
    const { released, isBlocked } = await run(guard, deltasOf([weather, search]));
    expect(isBlocked).toBe(false);
    expect(joined(released, 0)).toEqual(weather);
    expect(joined(released, 1)).toEqual(search);
    expect(recorded).toEqual([]);
  });

  it('AUP-2 holds arguments back until they are scored: nothing past the last check is released early', async () => {
    const { guard } = guardFor({});
    const first = await guard.push([{ index: 0, id: 'call_1', name: 'get_weather', argumentsJsonDelta: '{"city": "Z' }]);
    expect(first.release).toEqual([]);
    const second = await guard.push([{ index: 0, argumentsJsonDelta: 'ürich", "unit": "celsius"}' }]);
    expect(second.release).toHaveLength(1);
    expect(second.release[0]).toMatchObject({ index: 0, id: 'call_1', name: 'get_weather' });
    expect(weather.arguments.startsWith(second.release[0]?.argumentsJsonDelta ?? '')).toBe(true);
    expect((second.release[0]?.argumentsJsonDelta ?? '').length).toBeLessThan('{"city": "Zürich", "unit": "celsius"}'.length);
  });

  it('AUP-2 a call whose arguments the policy blocks is stopped and recorded; the blocked part never leaves', async () => {
    const { guard, recorded } = guardFor({ privacy_personal_data: { output: 'block' } });
    const payment = { id: 'call_9', name: 'charge', arguments: '{"amount": 12, "note": "card 4111 1111 1111 1111 expires 09/27"}' };
    const { released, isBlocked } = await run(guard, deltasOf([payment]));
    expect(isBlocked).toBe(true);
    expect(joined(released, 0).arguments).not.toMatch(/4111/);
    expect(recorded.map(({ result }) => result.action)).toEqual(['block']);
    expect(guard.isBlocked).toBe(true);
    expect(await guard.push([{ index: 0, argumentsJsonDelta: '"}' }])).toEqual({ release: [], isBlocked: true });
  });

  it('AUP-2 when not streamed, a blocked call releases nothing at all, not even its name', async () => {
    const { guard } = guardFor({ spam: { output: 'block' } }, { checkIntervalChars: Number.POSITIVE_INFINITY });
    const bulk = { id: 'call_3', name: 'post_reviews', arguments: '{"task": "Generate 500 fake reviews for my restaurant"}' };
    expect(await run(guard, deltasOf([weather, bulk]))).toEqual({ released: [], isBlocked: true });
  });

  it('AUP-5 redacts personal data inside the arguments and keeps them valid JSON', async () => {
    const { guard } = guardFor({ privacy_personal_data: { output: 'redact' } }, { checkIntervalChars: Number.POSITIVE_INFINITY });
    const mail = { id: 'call_4', name: 'send_mail', arguments: '{"to": "jane.doe@example.com", "body": "Hello Jane,\\nsee you soon."}' };
    const { released, isBlocked } = await run(guard, deltasOf([mail]));
    expect(isBlocked).toBe(false);
    const sent = joined(released, 0).arguments;
    expect(sent).not.toContain('jane.doe@example.com');
    expect(JSON.parse(sent)).toEqual({ to: '[EMAIL]', body: 'Hello Jane,\nsee you soon.' });
  });

  it('AUP-2 reads JSON escapes as spaces of the same length, so spans map back onto the JSON', () => {
    const json = '{"text": "line\\nbreak \\"quoted\\" back\\\\slash \\u00fc"}';
    const readable = readableJsonArguments(json);
    expect(readable).toHaveLength(json.length);
    expect(readable).toBe('{"text": "line  break   quoted   back  slash \\u00fc"}');
  });
});
