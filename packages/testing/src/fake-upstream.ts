import { readFileSync } from 'node:fs';
import { createServer, STATUS_CODES } from 'node:http';
import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** Recorded `chat.completion.chunk` streams in `__fixtures__/`. */
export type FakeChatFixture = 'chat-text' | 'chat-tool-call';

/**
 * Behaviour of the fake upstream. Every field can be changed between requests with `configure`; the
 * server reads the live values on each request.
 */
export interface FakeUpstreamOptions {
  /** Port on 127.0.0.1; 0 (default) picks a free one. Pass a closed fake's port to bring it "back". */
  port?: number;
  /** Model ids the server knows; other models get vLLM's 404. Default `['fake-model']`. */
  models?: string[];
  /** Recorded chat stream to replay. Default `chat-text`. */
  fixture?: FakeChatFixture;
  /** Stream this text instead of the fixture's, four code points per chunk (one fake token each). */
  text?: string;
  /** With the `chat-tool-call` fixture: stream these arguments instead of the recorded ones, one string per call, four code points per chunk. */
  toolCallArguments?: string[];
  /** Answer this many generation requests (chat, completions, embeddings) with `status`, then succeed. */
  failTimes?: number;
  /** Status of the failing answers. Default 503. */
  status?: number;
  /** Body of the failing answers. Default an OpenAI error object for `status`. */
  errorBody?: unknown;
  /** `Retry-After` header of the failing answers, in seconds. */
  retryAfterSeconds?: number;
  /** Wait this long before sending response headers (timeouts). */
  hangBeforeHeadersMs?: number;
  /** Wait this long before each streamed event after the first. */
  chunkDelayMs?: number;
  /** Write each event in byte slices that cut every multi-byte character (and pure-ASCII events in half). */
  splitUtf8?: boolean;
  /** Leave out the usage chunk (servers that ignore `stream_options`). */
  omitUsage?: boolean;
  /** Answer stream requests with one JSON object, like servers that ignore `stream: true`. (`stream: false` requests always get one.) */
  respondNonStreaming?: boolean;
  /** Answer `stream: false` requests with an event stream, like servers that ignore `stream: false`. */
  respondStreaming?: boolean;
  /** Destroy the connection after writing this many events (a mid-stream crash). */
  destroyAfterChunks?: number;
  /** After `data: [DONE]`, keep the body open this long before ending it (servers that end the body in a later write). */
  holdAfterDoneMs?: number;
  /** After `data: [DONE]` (and `holdAfterDoneMs`), destroy the connection instead of ending the body. */
  destroyAfterDone?: boolean;
  /** Line terminator of the event stream. Default `\n`. */
  lineEnding?: '\n' | '\r\n';
  /** Send a `: ping` comment before every event, as servers behind keep-alive proxies do. */
  hasKeepAliveComments?: boolean;
  /** Context window in fake tokens; longer prompts get vLLM's context-length 400. Default 4096. */
  contextWindow?: number;
  /** `count`: vLLM's `{count, max_model_len, tokens}`; `tokens`: only `{tokens}`. Default `count`. */
  tokenizeShape?: 'count' | 'tokens';
  /** Vector size of embeddings when the request names none. Default 8. */
  embeddingDimensions?: number;
}

/** One request the fake received. */
export interface FakeUpstreamRequest {
  method: string;
  /** Path without query, e.g. `/v1/chat/completions`. */
  path: string;
  headers: IncomingHttpHeaders;
  /** Parsed JSON body; `undefined` for requests without one. */
  body: unknown;
  /** Which TCP connection carried the request, numbered from 1 in order of arrival: tells reused connections. */
  connectionNumber: number;
  /** The connection closed before the response was complete (client abort, or `destroyAfterChunks`). */
  isAborted: boolean;
  /** The response was written completely. */
  isFinished: boolean;
}

/** A running fake upstream. */
export interface FakeUpstream {
  /** Base URL ending in `/v1`, ready for an engine's `baseUrl`. */
  url: string;
  /** `http://127.0.0.1:<port>`, where vLLM-style `/tokenize` and `/health` live. */
  origin: string;
  port: number;
  /** Every request received, in order. */
  requests: FakeUpstreamRequest[];
  /** The live options; `configure` is the tidy way to change them. */
  options: FakeUpstreamOptions;
  /** Change options for the requests that follow. */
  configure(changes: Partial<FakeUpstreamOptions>): void;
  /** The requests received on one path. */
  requestsTo(path: string): FakeUpstreamRequest[];
  /** Stop listening and destroy every open connection. */
  close(): Promise<void>;
}

interface FixtureChoice {
  index: number;
  delta?: { role?: string; content?: string | null; tool_calls?: FixtureToolCall[] };
  text?: string;
  finish_reason: string | null;
  [field: string]: unknown;
}

interface FixtureToolCall {
  index: number;
  id?: string;
  type?: string;
  function?: { name?: string; arguments?: string };
}

interface FixtureUsage {
  prompt_tokens: number;
  completion_tokens: number;
  total_tokens: number;
  [field: string]: unknown;
}

interface FixtureChunk {
  id: string;
  object: string;
  created: number;
  model: string;
  choices: FixtureChoice[];
  usage?: FixtureUsage | null;
  [field: string]: unknown;
}

type GenerationKind = 'chat' | 'completion';

const DEFAULT_MODELS = ['fake-model'];
const DEFAULT_CONTEXT_WINDOW = 4096;
const CODE_POINTS_PER_FAKE_TOKEN = 4;
const SPLIT_SLICE_DELAY_MS = 1;
const DESTROY_GRACE_MS = 50;

const fixtureCache = new Map<string, FixtureChunk[]>();

/** Tokens of a text by the fake's tokenizer: one per four code points. Streams of custom `text` match it. */
export function countFakeTokens(text: string): number {
  return Math.ceil(Array.from(text).length / CODE_POINTS_PER_FAKE_TOKEN);
}

/**
 * Start a local OpenAI-compatible server that replays recorded streams, for engine tests that must not
 * depend on a real model server. Binds 127.0.0.1 only.
 */
export async function startFakeUpstream(initialOptions: FakeUpstreamOptions = {}): Promise<FakeUpstream> {
  const options: FakeUpstreamOptions = { ...initialOptions };
  const requests: FakeUpstreamRequest[] = [];
  const pendingWaits = new Set<{ timer: NodeJS.Timeout; resolve: () => void }>();
  let isClosed = false;

  // Delays end early when the fake closes, so no handler outlives close().
  const wait = (delayMs: number): Promise<void> =>
    new Promise((resolve) => {
      if (isClosed || delayMs <= 0) {
        resolve();
        return;
      }
      const entry = {
        timer: setTimeout(() => {
          pendingWaits.delete(entry);
          resolve();
        }, delayMs),
        resolve,
      };
      pendingWaits.add(entry);
    });

  const server = createServer((request, response) => {
    void handle(request, response).catch((error: unknown) => {
      if (!response.headersSent) sendJson(response, 500, openAiError(500, String(error)));
      else response.destroy();
    });
  });
  const connectionNumbers = new WeakMap<object, number>();
  let connectionCount = 0;
  server.on('connection', (socket) => connectionNumbers.set(socket, ++connectionCount));

  async function handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const path = (request.url ?? '/').split('?')[0] ?? '/';
    const rawBody = await readBody(request);
    const record: FakeUpstreamRequest = {
      method: request.method ?? 'GET',
      path,
      headers: request.headers,
      connectionNumber: connectionNumbers.get(request.socket) ?? 0,
      body: undefined,
      isAborted: false,
      isFinished: false,
    };
    requests.push(record);
    response.on('close', () => {
      record.isFinished = response.writableFinished;
      record.isAborted = !response.writableFinished;
    });
    if (rawBody.length > 0) {
      try {
        record.body = JSON.parse(rawBody);
      } catch {
        sendJson(response, 400, openAiError(400, 'request body is not valid JSON'));
        return;
      }
    }
    const body = isRecord(record.body) ? record.body : {};

    if (request.method === 'GET') {
      if (path === '/health' || path === '/v1/health') {
        response.writeHead(200, { 'content-length': '0' });
        response.end();
        return;
      }
      if (path === '/v1/models') {
        sendJson(response, 200, {
          object: 'list',
          data: (options.models ?? DEFAULT_MODELS).map((id) => ({
            id,
            object: 'model',
            created: 1732280000,
            owned_by: 'fake-upstream',
            max_model_len: options.contextWindow ?? DEFAULT_CONTEXT_WINDOW,
          })),
        });
        return;
      }
    }
    if (request.method === 'POST') {
      if (path === '/tokenize' || path === '/v1/tokenize') {
        if (!checkModel(body, response)) return;
        tokenize(body, response);
        return;
      }
      const kind: GenerationKind | 'embeddings' | undefined =
        path === '/v1/chat/completions'
          ? 'chat'
          : path === '/v1/completions'
            ? 'completion'
            : path === '/v1/embeddings'
              ? 'embeddings'
              : undefined;
      if (kind !== undefined) {
        await wait(options.hangBeforeHeadersMs ?? 0);
        if (isClosed || response.destroyed) return;
        if ((options.failTimes ?? 0) > 0) {
          options.failTimes = (options.failTimes ?? 0) - 1;
          const status = options.status ?? 503;
          const headers: Record<string, string> = {};
          if (options.retryAfterSeconds !== undefined) headers['retry-after'] = String(options.retryAfterSeconds);
          sendJson(response, status, options.errorBody ?? openAiError(status), headers);
          return;
        }
        if (!checkModel(body, response)) return;
        if (kind === 'embeddings') {
          embed(body, response);
          return;
        }
        if (!checkContext(kind, body, response)) return;
        await generate(kind, body, response);
        return;
      }
    }
    sendJson(response, 404, openAiError(404, `no route ${request.method ?? ''} ${path}`));
  }

  function checkModel(body: Record<string, unknown>, response: ServerResponse): boolean {
    const model = body['model'];
    if (typeof model === 'string' && (options.models ?? DEFAULT_MODELS).includes(model)) return true;
    // vLLM's shape and wording.
    sendJson(response, 404, {
      object: 'error',
      message: `The model \`${String(model)}\` does not exist.`,
      type: 'NotFoundError',
      param: null,
      code: 404,
    });
    return false;
  }

  function checkContext(kind: GenerationKind, body: Record<string, unknown>, response: ServerResponse): boolean {
    const contextWindow = options.contextWindow ?? DEFAULT_CONTEXT_WINDOW;
    const promptTokens = countPromptTokens(kind, body);
    const maxTokens = typeof body['max_tokens'] === 'number' ? body['max_tokens'] : 0;
    if (promptTokens + maxTokens <= contextWindow) return true;
    sendJson(response, 400, {
      object: 'error',
      message:
        `This model's maximum context length is ${contextWindow} tokens. However, you requested ` +
        `${promptTokens + maxTokens} tokens (${promptTokens} in the messages, ${maxTokens} in the completion). ` +
        'Please reduce the length of the messages or completion.',
      type: 'BadRequestError',
      param: null,
      code: 400,
    });
    return false;
  }

  function tokenize(body: Record<string, unknown>, response: ServerResponse): void {
    const count = Array.isArray(body['messages'])
      ? countPromptTokens('chat', body)
      : countFakeTokens(typeof body['prompt'] === 'string' ? body['prompt'] : '');
    const tokens = Array.from({ length: count }, (_, index) => 1000 + (index % 30000));
    sendJson(
      response,
      200,
      options.tokenizeShape === 'tokens'
        ? { tokens }
        : { count, max_model_len: options.contextWindow ?? DEFAULT_CONTEXT_WINDOW, tokens },
    );
  }

  function embed(body: Record<string, unknown>, response: ServerResponse): void {
    const rawInput = body['input'];
    const inputs = Array.isArray(rawInput) ? rawInput.map(String) : [String(rawInput)];
    const dimensions = typeof body['dimensions'] === 'number' ? body['dimensions'] : (options.embeddingDimensions ?? 8);
    const promptTokens = inputs.reduce((sum, input) => sum + countFakeTokens(input), 0);
    sendJson(response, 200, {
      object: 'list',
      data: inputs.map((input, index) => ({ object: 'embedding', index, embedding: fakeVector(input, dimensions) })),
      model: body['model'],
      usage: { prompt_tokens: promptTokens, total_tokens: promptTokens },
    });
  }

  async function generate(kind: GenerationKind, body: Record<string, unknown>, response: ServerResponse): Promise<void> {
    const chunks = buildChunks(kind, body, options);
    if (options.respondStreaming !== true && (options.respondNonStreaming === true || body['stream'] !== true)) {
      // A real server answers `stream: false` only when generation is done: take as long as the stream would.
      await wait((options.chunkDelayMs ?? 0) * Math.max(0, chunks.length - 1));
      if (isClosed || response.destroyed) return;
      sendJson(response, 200, toWholeResponse(kind, chunks));
      return;
    }
    const lineEnding = options.lineEnding ?? '\n';
    response.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache',
      connection: 'keep-alive',
    });
    response.flushHeaders();
    response.socket?.setNoDelay(true);
    const events = chunks.map((chunk) => `data: ${JSON.stringify(chunk)}${lineEnding}${lineEnding}`);
    events.push(`data: [DONE]${lineEnding}${lineEnding}`);
    for (let index = 0; index < events.length; index++) {
      if (index > 0) await wait(options.chunkDelayMs ?? 0);
      if (isClosed || response.destroyed) return;
      if (options.destroyAfterChunks !== undefined && index >= options.destroyAfterChunks) {
        // Let the events already written reach the client first: destroying at once can discard them.
        await wait(DESTROY_GRACE_MS);
        response.destroy();
        return;
      }
      if (options.hasKeepAliveComments === true) response.write(`: ping${lineEnding}${lineEnding}`);
      const bytes = Buffer.from(events[index] as string, 'utf8');
      if (options.splitUtf8 === true) {
        for (const slice of sliceInsideCharacters(bytes)) {
          if (isClosed || response.destroyed) return;
          response.write(slice);
          // A pause, so the slices reach the client as separate reads instead of being coalesced.
          await wait(SPLIT_SLICE_DELAY_MS);
        }
      } else {
        response.write(bytes);
      }
    }
    await wait(options.holdAfterDoneMs ?? 0);
    if (isClosed || response.destroyed) return;
    if (options.destroyAfterDone === true) {
      await wait(DESTROY_GRACE_MS);
      response.destroy();
      return;
    }
    response.end();
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  const origin = `http://127.0.0.1:${port}`;

  return {
    url: `${origin}/v1`,
    origin,
    port,
    requests,
    options,
    configure(changes) {
      Object.assign(options, changes);
    },
    requestsTo(path) {
      return requests.filter((request) => request.path === path);
    },
    async close() {
      if (isClosed) return;
      isClosed = true;
      for (const entry of pendingWaits) {
        clearTimeout(entry.timer);
        entry.resolve();
      }
      pendingWaits.clear();
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      await closed;
    },
  };
}

/**
 * The chunks to send for a request. The recorded fixture is replayed as is, unless the test asked for
 * other text, the request's `max_tokens` cuts it (then finish_reason becomes `length`, as a real server
 * does), or usage is to be left out. A content chunk counts as one token.
 */
function buildChunks(kind: GenerationKind, body: Record<string, unknown>, options: FakeUpstreamOptions): FixtureChunk[] {
  const recorded = structuredClone(loadFixture(kind === 'chat' ? (options.fixture ?? 'chat-text') : 'completion-text'));
  const isContent = (chunk: FixtureChunk): boolean => {
    const choice = chunk.choices[0];
    if (choice === undefined) return false;
    const text = kind === 'chat' ? choice.delta?.content : choice.text;
    return (typeof text === 'string' && text.length > 0) || (choice.delta?.tool_calls?.length ?? 0) > 0;
  };
  const usageChunk = recorded.find((chunk) => chunk.choices.length === 0 && chunk.usage != null);
  const finishChunk = recorded.find((chunk) => chunk.choices[0]?.finish_reason != null);
  const hasToolCalls = recorded.some((chunk) => (chunk.choices[0]?.delta?.tool_calls?.length ?? 0) > 0);
  const leading = recorded.filter((chunk) => chunk !== usageChunk && chunk !== finishChunk && !isContent(chunk));
  let content = recorded.filter((chunk) => chunk !== finishChunk && isContent(chunk));
  let isModified = false;

  if (options.text !== undefined && !hasToolCalls) {
    const template = content[0] ?? finishChunk;
    if (template === undefined) throw new Error('fixture has no chunk to use as a template');
    content = splitIntoPieces(options.text).map((piece) => {
      const chunk = structuredClone(template);
      const choice: FixtureChoice = { index: 0, finish_reason: null };
      if (kind === 'chat') choice.delta = { content: piece };
      else choice.text = piece;
      chunk.choices = [{ ...(template.choices[0] ?? {}), ...choice }];
      delete chunk.usage;
      return chunk;
    });
    isModified = true;
  }
  if (options.toolCallArguments !== undefined && hasToolCalls) {
    content = replaceToolCallArguments(content, options.toolCallArguments);
    isModified = true;
  }
  const maxTokens = body['max_tokens'];
  if (typeof maxTokens === 'number' && !hasToolCalls && content.length > maxTokens) {
    content = content.slice(0, maxTokens);
    if (finishChunk?.choices[0] !== undefined) finishChunk.choices[0].finish_reason = 'length';
    isModified = true;
  }
  if (isModified && usageChunk?.usage != null) {
    const usage = usageChunk.usage;
    usage.completion_tokens = content.length;
    usage.total_tokens = usage.prompt_tokens + content.length;
  }

  const chunks = [...leading, ...content];
  if (finishChunk !== undefined) chunks.push(finishChunk);
  // A whole answer always carries usage; a stream only when `stream_options.include_usage` asks for it.
  const wantsUsage = body['stream'] !== true || (isRecord(body['stream_options']) && body['stream_options']['include_usage'] === true);
  if (usageChunk !== undefined && options.omitUsage !== true && wantsUsage) chunks.push(usageChunk);
  if (options.omitUsage === true) for (const chunk of chunks) delete chunk.usage;
  return chunks;
}

/** What a server that ignores `stream: true` sends: the chunks folded into one response object. */
function toWholeResponse(kind: GenerationKind, chunks: FixtureChunk[]): Record<string, unknown> {
  const first = chunks[0];
  let text = '';
  let finishReason: string | null = null;
  let usage: FixtureUsage | undefined;
  const toolCalls: Array<{ id: string; type: 'function'; function: { name: string; arguments: string } }> = [];
  for (const chunk of chunks) {
    if (chunk.usage != null) usage = chunk.usage;
    const choice = chunk.choices[0];
    if (choice === undefined) continue;
    if (choice.finish_reason != null) finishReason = choice.finish_reason;
    const piece = kind === 'chat' ? choice.delta?.content : choice.text;
    if (typeof piece === 'string') text += piece;
    for (const call of choice.delta?.tool_calls ?? []) {
      const existing = toolCalls[call.index];
      if (existing === undefined) {
        toolCalls[call.index] = {
          id: call.id ?? `call_${call.index}`,
          type: 'function',
          function: { name: call.function?.name ?? '', arguments: call.function?.arguments ?? '' },
        };
      } else {
        existing.function.arguments += call.function?.arguments ?? '';
      }
    }
  }
  const choice =
    kind === 'chat'
      ? {
          index: 0,
          message: {
            role: 'assistant',
            content: text.length > 0 ? text : null,
            ...(toolCalls.length > 0 ? { tool_calls: toolCalls } : {}),
          },
          logprobs: null,
          finish_reason: finishReason,
        }
      : { index: 0, text, logprobs: null, finish_reason: finishReason };
  return {
    id: first?.id ?? 'fake',
    object: kind === 'chat' ? 'chat.completion' : 'text_completion',
    created: first?.created ?? 0,
    model: first?.model ?? 'fake-model',
    choices: [choice],
    ...(usage === undefined ? {} : { usage }),
  };
}

function loadFixture(name: string): FixtureChunk[] {
  const cached = fixtureCache.get(name);
  if (cached !== undefined) return cached;
  const text = readFileSync(new URL(`./__fixtures__/${name}.sse`, import.meta.url), 'utf8');
  const chunks: FixtureChunk[] = [];
  for (const event of text.split('\n\n')) {
    if (!event.startsWith('data: ')) continue;
    const data = event.slice('data: '.length);
    if (data === '[DONE]') break;
    chunks.push(JSON.parse(data) as FixtureChunk);
  }
  fixtureCache.set(name, chunks);
  return chunks;
}

/** Keeps each recorded call's first chunk (id and name) and streams the given arguments after it. */
function replaceToolCallArguments(content: FixtureChunk[], argumentsPerCall: readonly string[]): FixtureChunk[] {
  const replaced: FixtureChunk[] = [];
  for (const chunk of content) {
    const call = chunk.choices[0]?.delta?.tool_calls?.[0];
    if (call === undefined || call.id === undefined) continue;
    replaced.push(chunk);
    for (const piece of splitIntoPieces(argumentsPerCall[call.index] ?? '')) {
      const argumentChunk = structuredClone(chunk);
      argumentChunk.choices = [{ index: 0, delta: { tool_calls: [{ index: call.index, function: { arguments: piece } }] }, logprobs: null, finish_reason: null }];
      replaced.push(argumentChunk);
    }
  }
  return replaced;
}

function splitIntoPieces(text: string): string[] {
  const codePoints = Array.from(text);
  const pieces: string[] = [];
  for (let index = 0; index < codePoints.length; index += CODE_POINTS_PER_FAKE_TOKEN) {
    pieces.push(codePoints.slice(index, index + CODE_POINTS_PER_FAKE_TOKEN).join(''));
  }
  return pieces;
}

function countPromptTokens(kind: GenerationKind, body: Record<string, unknown>): number {
  if (kind === 'completion') return countFakeTokens(typeof body['prompt'] === 'string' ? body['prompt'] : '');
  const messages = Array.isArray(body['messages']) ? body['messages'] : [];
  // A few tokens per message for the chat template's role markers, as real templates add.
  let count = 2;
  for (const message of messages) {
    const content = isRecord(message) && typeof message['content'] === 'string' ? message['content'] : '';
    count += 4 + countFakeTokens(content);
  }
  return count;
}

/** Byte slices of one event that cut every multi-byte UTF-8 character after its first byte. */
function sliceInsideCharacters(bytes: Buffer): Buffer[] {
  const slices: Buffer[] = [];
  let start = 0;
  for (let index = 0; index < bytes.length; index++) {
    const byte = bytes[index] as number;
    // 0b11xxxxxx starts a multi-byte sequence: cut right after it.
    if (byte >= 0xc0) {
      slices.push(bytes.subarray(start, index + 1));
      start = index + 1;
    }
  }
  if (slices.length === 0) {
    const middle = Math.floor(bytes.length / 2);
    return [bytes.subarray(0, middle), bytes.subarray(middle)];
  }
  slices.push(bytes.subarray(start));
  return slices;
}

function fakeVector(input: string, dimensions: number): number[] {
  let seed = 2166136261;
  for (let index = 0; index < input.length; index++) seed = Math.imul(seed ^ input.charCodeAt(index), 16777619);
  const vector = Array.from({ length: dimensions }, (_, index) => Math.sin(seed + index * 7919));
  const norm = Math.hypot(...vector) || 1;
  return vector.map((value) => value / norm);
}

function openAiError(status: number, message?: string): Record<string, unknown> {
  return {
    error: {
      message: message ?? STATUS_CODES[status] ?? `HTTP ${status}`,
      type: status === 429 ? 'rate_limit_error' : status >= 500 ? 'server_error' : 'invalid_request_error',
      param: null,
      code: null,
    },
  };
}

function sendJson(response: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const bytes = Buffer.from(JSON.stringify(body), 'utf8');
  response.writeHead(status, { ...headers, 'content-type': 'application/json', 'content-length': String(bytes.length) });
  response.end(bytes);
}

function readBody(request: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    request.on('error', reject);
  });
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
