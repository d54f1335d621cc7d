import { createHash } from 'node:crypto';
import { open, stat } from 'node:fs/promises';
import net from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { resolveModelFile } from 'node-llama-cpp';

/** Options of {@link resolveModelSource}. */
export interface ResolveModelSourceOptions {
  /** Directory that holds downloaded models; looked up first, so a cached model needs no network. */
  cacheDir: string;
  /** Download progress in bytes; `totalBytes` is undefined while the size is unknown. Not called for cached files. */
  onProgress?: (downloadedBytes: number, totalBytes: number | undefined) => void;
  /** Cancels a download in progress. */
  signal?: AbortSignal;
  /** How long to wait for the host to accept a connection before giving up. Default 10 000. */
  connectTimeoutMs?: number;
  /** Give up when a download (or its start) makes no progress for this long. Default 60 000. */
  stallTimeoutMs?: number;
  /** Access token for gated Hugging Face repositories. */
  huggingFaceToken?: string;
  /** Hugging Face endpoint or mirror; defaults to node-llama-cpp's (`MODEL_ENDPOINT`, `HF_ENDPOINT`, huggingface.co). */
  huggingFaceEndpoint?: string;
  /** Appended to every failure message: what the operator can do instead of downloading. */
  remedy?: string;
}

/** A model source could not be turned into a local file; the message says why and what to do. */
export class ModelSourceError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'ModelSourceError';
  }
}

const defaultRemedy = 'Put the GGUF file on disk and set CHARTER_MODEL to its path.';
const huggingFacePrefixes = ['hf:', 'huggingface:', 'hf.co/', 'huggingface.co/'];

/**
 * Turn a model source into a local GGUF file path. A source is a file path (or `file:` URL), a Hugging
 * Face URI (`hf:user/repo/file.gguf`, `hf:user/repo:Q4_K_M`) or an http(s) URL. Remote models are
 * downloaded once into `cacheDir` with node-llama-cpp's downloader and found there afterwards without any
 * network access. Every failure is a {@link ModelSourceError} whose message says what went wrong and what to do.
 */
export async function resolveModelSource(source: string, options: ResolveModelSourceOptions): Promise<string> {
  const remedy = options.remedy ?? defaultRemedy;
  const trimmed = source.trim();
  const kind = classifySource(trimmed);
  if (kind === 'file') return await resolveLocalFile(trimmed, remedy);
  if (kind === 'url' && !URL.canParse(trimmed)) throw new ModelSourceError(`Invalid model URL: ${trimmed}. ${remedy}`);

  const endpoints = options.huggingFaceEndpoint === undefined ? undefined : { huggingFace: options.huggingFaceEndpoint };
  const tokens = options.huggingFaceToken === undefined ? undefined : { huggingFace: options.huggingFaceToken };
  const shown = describeSource(trimmed);
  const fileName = kind === 'url' && !isHuggingFaceUrl(trimmed, options.huggingFaceEndpoint) ? cacheFileNameForUrl(trimmed) : undefined;

  const cached = await findCached(trimmed, options.cacheDir, fileName, endpoints);
  if (cached !== undefined) return cached;

  const host = kind === 'url' ? hostOfUrl(trimmed) : hostOfUrl(huggingFaceEndpoint(options.huggingFaceEndpoint));
  await probeHost(host, options.connectTimeoutMs ?? 10_000, shown, remedy);
  return await download(trimmed, { ...options, fileName, endpoints, tokens, shown, remedy });
}

function classifySource(source: string): 'file' | 'huggingface' | 'url' {
  const lower = source.toLowerCase();
  if (huggingFacePrefixes.some((prefix) => lower.startsWith(prefix))) return 'huggingface';
  if (lower.startsWith('https://') || lower.startsWith('http://')) return 'url';
  return 'file';
}

async function resolveLocalFile(source: string, remedy: string): Promise<string> {
  const filePath = source.toLowerCase().startsWith('file:') ? fileURLToPath(source) : path.resolve(source);
  const stats = await stat(filePath).catch(() => undefined);
  if (stats === undefined) throw new ModelSourceError(`Model file not found: ${filePath}. ${remedy}`);
  if (!stats.isFile()) throw new ModelSourceError(`Model path is not a file: ${filePath}. ${remedy}`);
  const handle = await open(filePath, 'r');
  try {
    const magic = Buffer.alloc(4);
    await handle.read(magic, 0, 4, 0);
    if (magic.toString('latin1') !== 'GGUF') throw new ModelSourceError(`Model file is not in GGUF format: ${filePath}. ${remedy}`);
  } finally {
    await handle.close();
  }
  return filePath;
}

// A plain URL gets a file name derived from the whole URL so two hosts serving `model.gguf` do not collide
// and the cache can be checked without asking the server for its preferred name.
function cacheFileNameForUrl(url: string): string {
  const parsed = new URL(url);
  const baseName = decodeURIComponent(parsed.pathname.split('/').at(-1) ?? '').replace(/[^\w.\-]+/g, '_') || 'model.gguf';
  const digest = createHash('sha256').update(url).digest('hex').slice(0, 12);
  return `${digest}-${baseName.endsWith('.gguf') ? baseName : `${baseName}.gguf`}`;
}

async function findCached(
  source: string,
  cacheDir: string,
  fileName: string | undefined,
  endpoints: { huggingFace: string } | undefined,
): Promise<string | undefined> {
  try {
    return await resolveModelFile(source, { directory: cacheDir, download: false, cli: false, fileName, endpoints });
  } catch {
    // Not cached (node-llama-cpp says so with an Error); the download path reports anything else clearly.
    return undefined;
  }
}

// Mirrors node-llama-cpp's resolveHuggingFaceEndpoint so the probe checks the host it will actually use.
function huggingFaceEndpoint(configured: string | undefined): string {
  return configured ?? process.env.MODEL_ENDPOINT ?? process.env.HF_ENDPOINT ?? 'https://huggingface.co/';
}

function isHuggingFaceUrl(url: string, configuredEndpoint: string | undefined): boolean {
  const hostname = new URL(url).hostname;
  const endpointHostname = new URL(huggingFaceEndpoint(configuredEndpoint)).hostname;
  return hostname === endpointHostname || hostname === 'huggingface.co' || hostname === 'hf.co';
}

function hostOfUrl(url: string): { hostname: string; port: number } {
  const parsed = new URL(url);
  const port = parsed.port === '' ? (parsed.protocol === 'http:' ? 80 : 443) : Number(parsed.port);
  return { hostname: parsed.hostname.replace(/^\[|\]$/g, ''), port };
}

// Signed download URLs carry credentials in the query string; never repeat them in messages or logs.
function describeSource(source: string): string {
  if (classifySource(source) !== 'url') return source;
  const parsed = new URL(source);
  return `${parsed.origin}${parsed.pathname}`;
}

function withoutQueryStrings(text: string): string {
  return text.replace(/(https?:\/\/[^\s?#,]+)[?#][^\s,]*/g, '$1');
}

/**
 * node-llama-cpp's downloader retries an unreachable host about 150 times with back-off, which looks like
 * a hang. One plain TCP connection with a deadline tells "offline" apart quickly and with a clear cause.
 */
async function probeHost(host: { hostname: string; port: number }, timeoutMs: number, shown: string, remedy: string): Promise<void> {
  await new Promise<void>((resolve, reject) => {
    const socket = net.connect({ host: host.hostname, port: host.port });
    const fail = (reason: string, cause?: unknown): void => {
      socket.destroy();
      reject(new ModelSourceError(`Could not download the model from ${shown}: ${reason}. ${remedy}`, { cause }));
    };
    socket.setTimeout(timeoutMs, () => fail(`${host.hostname}:${host.port} did not answer within ${timeoutMs} ms (network unreachable?)`));
    socket.once('connect', () => {
      socket.end();
      resolve();
    });
    socket.once('error', (error: NodeJS.ErrnoException) => fail(describeNetworkError(error, host), error));
  });
}

function describeNetworkError(error: NodeJS.ErrnoException, host: { hostname: string; port: number }): string {
  switch (error.code) {
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return `network unreachable (cannot resolve ${host.hostname})`;
    case 'ECONNREFUSED':
      return `network unreachable (${host.hostname}:${host.port} refused the connection)`;
    case 'ENETUNREACH':
    case 'EHOSTUNREACH':
      return `network unreachable (no route to ${host.hostname})`;
    default:
      return `network unreachable (${error.code ?? error.message})`;
  }
}

async function download(
  source: string,
  options: ResolveModelSourceOptions & {
    fileName: string | undefined;
    endpoints: { huggingFace: string } | undefined;
    tokens: { huggingFace: string } | undefined;
    shown: string;
    remedy: string;
  },
): Promise<string> {
  const stallTimeoutMs = options.stallTimeoutMs ?? 60_000;
  const controller = new AbortController();
  let stallTimer: NodeJS.Timeout | undefined;
  let giveUp: (error: Error) => void = () => {};
  // Settles early on a stall or a cancel: before the transfer starts, node-llama-cpp ignores its signal
  // while it retries, so waiting for it alone could take minutes.
  const givenUp = new Promise<never>((_, reject) => {
    giveUp = reject;
  });
  const onOuterAbort = (): void => {
    controller.abort(options.signal?.reason);
    giveUp(new ModelSourceError(`Downloading the model from ${options.shown} was cancelled.`));
  };
  if (options.signal?.aborted) onOuterAbort();
  options.signal?.addEventListener('abort', onOuterAbort, { once: true });
  const armStallTimer = (): void => {
    clearTimeout(stallTimer);
    stallTimer = setTimeout(() => {
      controller.abort();
      giveUp(new ModelSourceError(`Could not download the model from ${options.shown}: no progress for ${stallTimeoutMs} ms. ${options.remedy}`));
    }, stallTimeoutMs);
  };
  armStallTimer();
  try {
    const downloading = resolveModelFile(source, {
      directory: options.cacheDir,
      cli: false,
      fileName: options.fileName,
      endpoints: options.endpoints,
      tokens: options.tokens,
      signal: controller.signal,
      onProgress: ({ downloadedSize, totalSize }) => {
        armStallTimer();
        options.onProgress?.(downloadedSize, totalSize > 0 ? totalSize : undefined);
      },
    });
    // When we give up first, the abandoned download still settles later; that outcome is not news.
    downloading.catch(() => {});
    return await Promise.race([downloading, givenUp]);
  } catch (error) {
    if (error instanceof ModelSourceError) throw error;
    if (options.signal?.aborted) throw new ModelSourceError(`Downloading the model from ${options.shown} was cancelled.`, { cause: error });
    const rawReason = error instanceof Error ? error.message : String(error);
    const reason = withoutQueryStrings(rawReason).replace(/\.$/, '');
    // The original error would repeat a signed URL's credentials wherever it gets logged.
    const cause = reason === rawReason.replace(/\.$/, '') ? error : undefined;
    throw new ModelSourceError(`Could not download the model from ${options.shown}: ${reason}. ${options.remedy}`, { cause });
  } finally {
    clearTimeout(stallTimer);
    options.signal?.removeEventListener('abort', onOuterAbort);
  }
}
