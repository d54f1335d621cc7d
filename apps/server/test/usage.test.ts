import { randomUUID } from 'node:crypto';
import { newUserRecord, type UsageRecord } from '@charter/core';
import { SqlUserRepository } from '@charter/storage';
import { testDialects } from '@charter/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer, startTestApp, testActor, type TestApp } from './build-test-app.js';

/** RFC 4180 parser for the tests: quoted fields, doubled quotes, CRLF records, commas and newlines inside quotes. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let isQuoted = false;
  for (let index = 0; index < text.length; index++) {
    const character = text[index]!;
    if (isQuoted) {
      if (character === '"' && text[index + 1] === '"') {
        field += '"';
        index++;
      } else if (character === '"') {
        isQuoted = false;
      } else {
        field += character;
      }
    } else if (character === '"') {
      isQuoted = true;
    } else if (character === ',') {
      row.push(field);
      field = '';
    } else if (character === '\r' && text[index + 1] === '\n') {
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
      index++;
    } else {
      field += character;
    }
  }
  if (field !== '' || row.length > 0) throw new Error('CSV does not end with CRLF');
  return rows;
}

const columns = [
  'id',
  'request_id',
  'created_at',
  'api_key_id',
  'user_id',
  'organization_id',
  'endpoint',
  'model',
  'engine_id',
  'status',
  'error_code',
  'prompt_tokens',
  'completion_tokens',
  'latency_ms',
  'time_to_first_token_ms',
];

function csvFieldsOf(record: UsageRecord): string[] {
  const text = (value: string | number | null) => (value === null ? '' : String(value));
  return [
    record.id,
    record.requestId,
    record.createdAt.toISOString(),
    text(record.apiKeyId),
    record.userId,
    text(record.organizationId),
    record.endpoint,
    record.model,
    text(record.engineId),
    record.status,
    text(record.errorCode),
    text(record.promptTokens),
    text(record.completionTokens),
    text(record.latencyMs),
    text(record.timeToFirstTokenMs),
  ];
}

const hourMs = 3_600_000;

describe.each(testDialects)('Usage API on %s', (dialect) => {
  let test: TestApp;
  let usageKey: { id: string; secret: string };
  let inferenceKey: string;
  let memberKey: { id: string; secret: string };
  let memberId: string;
  let startedAt: Date;
  beforeAll(async () => {
    test = await startTestApp(dialect);
    startedAt = new Date();
    const keys = test.app.services.apiKeys;
    const created = await keys.create(test.app.owner.id, { name: 'usage', scopes: { endpoints: ['chat.completions', 'usage'] } }, testActor);
    usageKey = { id: created.apiKey.id, secret: created.secret };
    inferenceKey = (await keys.create(test.app.owner.id, { name: 'inference only' }, testActor)).secret;
    memberId = `user_member_${dialect}`;
    await new SqlUserRepository(test.database.db).create(newUserRecord({ id: memberId, email: `member-${dialect}@example.com`, displayName: 'Member', role: 'member', createdAt: new Date() }));
    const member = await keys.create(memberId, { name: 'member', scopes: { endpoints: ['chat.completions', 'usage'] } }, testActor);
    memberKey = { id: member.apiKey.id, secret: member.secret };
  });
  afterAll(async () => {
    await test?.close();
  });

  const get = (url: string, key: string) => test.app.fastify.inject({ method: 'GET', url, headers: bearer(key) });
  const chat = (key: string, content = 'Hello') =>
    test.app.fastify.inject({
      method: 'POST',
      url: '/v1/chat/completions',
      headers: { ...bearer(key), 'content-type': 'application/json' },
      payload: JSON.stringify({ model: 'fake-model', messages: [{ role: 'user', content }] }),
    });
  const ownerRecords = async (from: Date, to: Date) => {
    await test.app.services.metering.flush();
    return test.app.services.metering.listByUser({ userId: test.app.owner.id, from, to });
  };
  // The whole test run fits in this window; hourly buckets may split it, which the comparisons allow for.
  const window = () => {
    const from = new Date(Math.floor(startedAt.getTime() / hourMs) * hourMs - hourMs);
    return { from, to: new Date(from.getTime() + 3 * hourMs) };
  };
  const query = (parameters: Record<string, string>) => new URLSearchParams(parameters).toString();

  it('API-6 BIL-3 the JSON report matches the usage records of real chat requests, per hour, key and model', async () => {
    for (let index = 0; index < 3; index++) expect((await chat(usageKey.secret, `Hello ${index}`)).statusCode).toBe(200);
    expect((await chat(test.ownerKey)).statusCode).toBe(200);
    test.upstream.configure({ failTimes: 1, status: 502 });
    expect((await chat(usageKey.secret)).statusCode).toBe(503);
    const { from, to } = window();
    const records = await ownerRecords(from, to);
    expect(records.length).toBeGreaterThanOrEqual(5);

    const response = await get(`/api/v1/usage?${query({ from: from.toISOString(), to: to.toISOString(), granularity: 'hour', group_by: 'model,api_key' })}`, usageKey.secret);
    expect(response.statusCode).toBe(200);
    const body = response.json();
    expect(body).toMatchObject({ object: 'list', granularity: 'hour', group_by: ['api_key', 'model'], from: from.toISOString(), to: to.toISOString() });

    const expected = new Map<string, { requests: number; failed: number; prompt: number; completion: number }>();
    for (const record of records) {
      const bucket = new Date(Math.floor(record.createdAt.getTime() / hourMs) * hourMs).toISOString();
      const key = `${bucket}|${record.apiKeyId}|${record.model}`;
      const entry = expected.get(key) ?? { requests: 0, failed: 0, prompt: 0, completion: 0 };
      entry.requests++;
      if (record.status === 'failed') entry.failed++;
      entry.prompt += record.promptTokens;
      entry.completion += record.completionTokens;
      expected.set(key, entry);
    }
    const actual = new Map<string, { requests: number; failed: number; prompt: number; completion: number }>(
      body.data.map((row: Record<string, unknown>) => {
        expect(row).toMatchObject({ object: 'usage.bucket', total_tokens: (row.prompt_tokens as number) + (row.completion_tokens as number) });
        expect(row).not.toHaveProperty('user_id');
        return [`${row.start_time}|${row.api_key_id}|${row.model}`, { requests: row.requests, failed: row.failed_requests, prompt: row.prompt_tokens, completion: row.completion_tokens }];
      }),
    );
    expect(actual).toEqual(expected);
    const usageKeyTotals = [...expected].filter(([key]) => key.includes(`|${usageKey.id}|`)).reduce((sum, [, entry]) => sum + entry.requests, 0);
    expect(usageKeyTotals).toBe(4);
    expect(body.totals).toEqual({
      requests: records.length,
      succeeded_requests: records.filter((record) => record.status === 'succeeded').length,
      failed_requests: records.filter((record) => record.status === 'failed').length,
      cancelled_requests: records.filter((record) => record.status === 'cancelled').length,
      prompt_tokens: records.reduce((sum, record) => sum + record.promptTokens, 0),
      completion_tokens: records.reduce((sum, record) => sum + record.completionTokens, 0),
      total_tokens: records.reduce((sum, record) => sum + record.promptTokens + record.completionTokens, 0),
    });
    expect(body.totals.failed_requests).toBeGreaterThanOrEqual(1);

    // Daily by default, one row per day without breakdown; filters by key and model.
    const daily = (await get(`/api/v1/usage?${query({ from: from.toISOString().slice(0, 10), to: new Date(to.getTime() + 86_400_000).toISOString().slice(0, 10) })}`, usageKey.secret)).json();
    expect(daily.granularity).toBe('day');
    expect(daily.data.every((row: Record<string, unknown>) => !('model' in row) && !('api_key_id' in row))).toBe(true);
    expect(daily.totals.requests).toBe(records.length);
    const byKey = (await get(`/api/v1/usage?${query({ from: from.toISOString(), to: to.toISOString(), api_key_id: usageKey.id })}`, usageKey.secret)).json();
    expect(byKey.totals.requests).toBe(4);
    const otherModel = (await get(`/api/v1/usage?${query({ from: from.toISOString(), to: to.toISOString(), model: 'no-such-model' })}`, usageKey.secret)).json();
    expect(otherModel).toMatchObject({ data: [], totals: { requests: 0, prompt_tokens: 0 } });
  });

  it('API-6 BIL-3 the CSV export streams the records of the range and parses back to them, quoting commas, quotes and newlines', async () => {
    // Records far from the live ones, written through the metering service like real ones, with awkward text.
    const base = Date.UTC(2024, 5, 1);
    const awkward: UsageRecord[] = [
      { model: 'model, with comma', errorCode: null },
      { model: 'model "quoted"', errorCode: 'engine_error' },
      { model: 'line\r\nbreak and\nnewline', errorCode: null },
    ].map((fields, index) => ({
      id: `usage_${randomUUID()}`,
      requestId: `req_${randomUUID()}`,
      apiKeyId: index === 0 ? null : usageKey.id,
      userId: test.app.owner.id,
      organizationId: null,
      endpoint: 'chat.completions',
      engineId: index === 2 ? null : 'fake',
      promptTokens: index,
      completionTokens: 10 + index,
      status: fields.errorCode ? 'failed' : 'succeeded',
      latencyMs: 5,
      timeToFirstTokenMs: index === 1 ? null : 2,
      createdAt: new Date(base + index),
      ...fields,
    }));
    // More than one page (1000) of plain records, to cross page boundaries over HTTP.
    const bulk: UsageRecord[] = Array.from({ length: 2_100 }, (_, index) => ({
      ...awkward[0]!,
      id: `usage_${randomUUID()}`,
      requestId: `req_${randomUUID()}`,
      model: 'fake-model',
      createdAt: new Date(base + 60_000 + Math.floor(index / 3)),
    }));
    for (const record of [...awkward, ...bulk]) test.app.services.metering.record(record);
    const from = new Date(base);
    const to = new Date(base + 86_400_000);
    const stored = await ownerRecords(from, to);
    expect(stored).toHaveLength(awkward.length + bulk.length);

    const response = await get(`/api/v1/usage/export.csv?${query({ from: '2024-06-01', to: '2024-06-02' })}`, usageKey.secret);
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toBe('text/csv; charset=utf-8');
    expect(response.headers['content-disposition']).toBe('attachment; filename="usage-2024-06-01-2024-06-02.csv"');
    expect(response.body).toContain('"model, with comma"');
    expect(response.body).toContain('"model ""quoted"""');
    const rows = parseCsv(response.body);
    expect(rows[0]).toEqual(columns);
    const oldestFirst = [...stored].sort((left, right) => left.createdAt.getTime() - right.createdAt.getTime() || (left.id < right.id ? -1 : 1));
    expect(rows.slice(1)).toEqual(oldestFirst.map(csvFieldsOf));
    expect(rows.slice(1, 4).map((row) => row[7])).toEqual(awkward.map((record) => record.model));

    const filtered = parseCsv((await get(`/api/v1/usage/export.csv?${query({ from: '2024-06-01', to: '2024-06-02', api_key_id: usageKey.id, model: 'model "quoted"' })}`, usageKey.secret)).body);
    expect(filtered.slice(1)).toEqual([csvFieldsOf(awkward[1]!)]);
    const empty = await get(`/api/v1/usage/export.csv?${query({ from: '2023-01-01', to: '2023-01-02' })}`, usageKey.secret);
    expect(empty.body).toBe(`${columns.join(',')}\r\n`);
  });

  it('API-6 usage needs a key naming the usage scope: an unrestricted inference key or a key-management key gets 403', async () => {
    const { from, to } = window();
    const keyManagement = (await test.app.services.apiKeys.create(test.app.owner.id, { name: 'keys', scopes: { endpoints: ['api_keys'] } }, testActor)).secret;
    for (const key of [inferenceKey, keyManagement, test.ownerKey]) {
      for (const url of [`/api/v1/usage?${query({ from: from.toISOString(), to: to.toISOString() })}`, `/api/v1/usage/export.csv?${query({ from: from.toISOString(), to: to.toISOString() })}`]) {
        const response = await get(url, key);
        expect(response.statusCode).toBe(403);
        expect(response.json().error).toMatchObject({ type: 'permission_error', message: expect.stringMatching(/usage/) });
      }
    }
    const anonymous = await test.app.fastify.inject({ method: 'GET', url: `/api/v1/usage?${query({ from: from.toISOString(), to: to.toISOString() })}` });
    expect(anonymous.statusCode).toBe(401);
  });

  it("API-6 user B sees only B's usage: never A's records, not even by filtering on A's key", async () => {
    expect((await chat(memberKey.secret)).statusCode).toBe(200);
    await test.app.services.metering.flush();
    const { from, to } = window();
    const range = { from: from.toISOString(), to: to.toISOString() };
    const report = (await get(`/api/v1/usage?${query({ ...range, group_by: 'member,api_key' })}`, memberKey.secret)).json();
    expect(report.totals.requests).toBe(1);
    expect(report.data.map((row: Record<string, unknown>) => [row.user_id, row.api_key_id])).toEqual([[memberId, memberKey.id]]);
    const probing = (await get(`/api/v1/usage?${query({ ...range, api_key_id: usageKey.id })}`, memberKey.secret)).json();
    expect(probing).toMatchObject({ data: [], totals: { requests: 0 } });
    const exported = parseCsv((await get(`/api/v1/usage/export.csv?${query(range)}`, memberKey.secret)).body).slice(1);
    expect(exported).toHaveLength(1);
    expect(exported[0]![4]).toBe(memberId);
    // And the owner's report does not count B's request.
    const ownerReport = (await get(`/api/v1/usage?${query({ ...range, group_by: 'member' })}`, usageKey.secret)).json();
    expect(ownerReport.data.every((row: Record<string, unknown>) => row.user_id === test.app.owner.id)).toBe(true);
  });

  it('API-6 bad input is a 400 naming the parameter, and reads nothing', async () => {
    const { from, to } = window();
    const valid = { from: from.toISOString(), to: to.toISOString() };
    const cases: Array<[string, Record<string, string>, string]> = [
      ['/api/v1/usage', { to: valid.to }, 'from'],
      ['/api/v1/usage', { ...valid, from: 'yesterday' }, 'from'],
      ['/api/v1/usage', { ...valid, to: '2025-02-30' }, 'to'],
      ['/api/v1/usage', { from: valid.to, to: valid.from }, 'to'],
      ['/api/v1/usage', { from: '2024-01-01', to: '2025-01-03' }, 'to'],
      ['/api/v1/usage', { from: '2024-01-01', to: '2024-02-02', granularity: 'hour' }, 'to'],
      ['/api/v1/usage', { ...valid, granularity: 'minute' }, 'granularity'],
      ['/api/v1/usage', { ...valid, group_by: 'model,endpoint' }, 'group_by'],
      ['/api/v1/usage', { ...valid, group_by: 'model,model' }, 'group_by'],
      ['/api/v1/usage', { ...valid, api_key_id: '' }, 'api_key_id'],
      ['/api/v1/usage/export.csv', { from: 'soon', to: valid.to }, 'from'],
      ['/api/v1/usage/export.csv', { from: '2023-01-01', to: '2024-01-03' }, 'to'],
      ['/api/v1/usage/export.csv', { from: valid.to, to: valid.to }, 'to'],
    ];
    for (const [path, parameters, param] of cases) {
      const response = await get(`${path}?${query(parameters)}`, usageKey.secret);
      expect(response.statusCode, `${path} ${JSON.stringify(parameters)}`).toBe(400);
      expect(response.json().error).toMatchObject({ type: 'invalid_request_error', param });
    }
    // Reading usage is not itself metered.
    const before = (await ownerRecords(from, to)).length;
    await get(`/api/v1/usage?${query(valid)}`, usageKey.secret);
    expect((await ownerRecords(from, to)).length).toBe(before);
  });

  it('API-6 the usage routes are in the OpenAPI document', async () => {
    const document = (await get('/openapi.json', test.ownerKey)).json();
    expect(Object.keys(document.paths)).toEqual(expect.arrayContaining(['/api/v1/usage', '/api/v1/usage/export.csv', '/api/v1/admin/plans', '/api/v1/admin/plans/{plan_id}/assignments']));
  });
});
