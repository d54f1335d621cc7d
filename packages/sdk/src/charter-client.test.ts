import { describe, expect, it } from 'vitest';
import { CharterApiError } from './charter-api-error.js';
import { CharterClient } from './charter-client.js';

interface Sent {
  url: string;
  method: string;
  headers: Record<string, string>;
  body: unknown;
}

// A recording fetch: the client's wire behaviour (paths, headers, bodies) is what these tests are about; the
// server's side is covered by the server's organisation and usage tests and the web end-to-end test.
function recordingFetch(answer: (sent: Sent) => Response = () => Response.json({ object: 'list', data: [] })) {
  const sent: Sent[] = [];
  const fetchImplementation: typeof fetch = async (input, init) => {
    const request: Sent = { url: String(input), method: init?.method ?? 'GET', headers: { ...(init?.headers as Record<string, string>) }, body: init?.body ? JSON.parse(String(init.body)) : undefined };
    sent.push(request);
    return answer(request);
  };
  return { sent, fetch: fetchImplementation };
}

describe('CharterClient organisations and usage', () => {
  it('ACC-7 sends OpenAI-Organization on every request while acting for an organisation, and not after', async () => {
    const recorder = recordingFetch();
    const client = new CharterClient({ baseUrl: 'http://charter.test/', fetch: recorder.fetch });
    await client.keys.list();
    client.organization = 'org_123';
    await client.keys.list();
    await client.usage.report({ from: '2025-01-01', to: '2025-01-31' });
    client.organization = null;
    await client.keys.list();
    expect(recorder.sent.map((request) => request.headers['openai-organization'])).toEqual([undefined, 'org_123', 'org_123', undefined]);
    expect(new CharterClient({ baseUrl: '', fetch: recorder.fetch, organization: 'org_9' }).organization).toBe('org_9');
  });

  it('ACC-7 organisation calls use the documented paths, methods and bodies, with ids escaped', async () => {
    const recorder = recordingFetch(() => Response.json({}));
    const client = new CharterClient({ baseUrl: '', fetch: recorder.fetch });
    await client.organizations.create('Acme');
    await client.organizations.rename('org_1', 'Acme 2');
    await client.organizations.delete('org_1');
    await client.organizations.members.changeRole('org_1', 'user_2', 'viewer');
    await client.organizations.members.remove('org_1', 'user_2', { transfer_to: 'user_3' });
    await client.organizations.invitations.create('org_1', { email: 'b@example.com', role: 'developer' });
    await client.organizations.invitations.revoke('org_1', 'inv/../x');
    await client.organizations.invitations.accept('token-1');
    expect(recorder.sent.map((request) => `${request.method} ${request.url} ${JSON.stringify(request.body ?? null)}`)).toEqual([
      'POST /api/v1/organizations {"name":"Acme"}',
      'PATCH /api/v1/organizations/org_1 {"name":"Acme 2"}',
      'DELETE /api/v1/organizations/org_1 {}',
      'PATCH /api/v1/organizations/org_1/members/user_2 {"role":"viewer"}',
      'POST /api/v1/organizations/org_1/members/user_2/remove {"keys":{"transfer_to":"user_3"}}',
      'POST /api/v1/organizations/org_1/invitations {"email":"b@example.com","role":"developer"}',
      'POST /api/v1/organizations/org_1/invitations/inv%2F..%2Fx/revoke {}',
      'POST /api/v1/invitations/accept {"token":"token-1"}',
    ]);
  });

  it('API-4 API-5 a key is updated with PATCH on its escaped id, with the body as given', async () => {
    const recorder = recordingFetch(() => Response.json({}));
    const client = new CharterClient({ baseUrl: '', fetch: recorder.fetch });
    await client.keys.update('key/../x', { name: 'ci', scopes: { rate_limits: { requests_per_minute: 30, concurrent_requests: null } } });
    expect(recorder.sent.map((request) => `${request.method} ${request.url} ${JSON.stringify(request.body ?? null)}`)).toEqual([
      'PATCH /api/v1/keys/key%2F..%2Fx {"name":"ci","scopes":{"rate_limits":{"requests_per_minute":30,"concurrent_requests":null}}}',
    ]);
  });

  it('API-6 usage reports send the range, granularity and dimensions; the CSV comes with the same headers', async () => {
    const recorder = recordingFetch((request) => (request.url.includes('export.csv') ? new Response('id,request_id\n', { headers: { 'content-type': 'text/csv' } }) : Response.json({ object: 'list', data: [] })));
    const client = new CharterClient({ baseUrl: 'http://charter.test', fetch: recorder.fetch, organization: 'org_1' });
    await client.usage.report({ from: '2025-01-01T00:00:00Z', to: '2025-01-31T00:00:00Z', granularity: 'hour', group_by: ['model', 'api_key'] });
    const csv = await client.usage.exportCsv({ from: '2025-01-01', to: '2025-01-31' });
    expect(await csv.text()).toBe('id,request_id\n');
    expect(recorder.sent.map((request) => request.url)).toEqual([
      'http://charter.test/api/v1/usage?from=2025-01-01T00%3A00%3A00Z&to=2025-01-31T00%3A00%3A00Z&granularity=hour&group_by=model%2Capi_key',
      'http://charter.test/api/v1/usage/export.csv?from=2025-01-01&to=2025-01-31',
    ]);
    expect(recorder.sent[1]!.headers['openai-organization']).toBe('org_1');
    expect(client.usage.exportUrl({ from: '2025-01-01', to: '2025-01-02', model: 'm' })).toBe('http://charter.test/api/v1/usage/export.csv?from=2025-01-01&to=2025-01-02&model=m');
  });

  it('API-6 a refused CSV export is a CharterApiError with the server message', async () => {
    const recorder = recordingFetch(() => Response.json({ error: { message: 'Organization not found.', type: 'invalid_request_error', param: null, code: 'not_found' } }, { status: 404 }));
    const client = new CharterClient({ baseUrl: '', fetch: recorder.fetch, organization: 'org_gone' });
    const failure = await client.usage.exportCsv({ from: '2025-01-01', to: '2025-01-02' }).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(CharterApiError);
    expect((failure as CharterApiError).status).toBe(404);
    expect((failure as CharterApiError).message).toBe('Organization not found.');
  });
});
