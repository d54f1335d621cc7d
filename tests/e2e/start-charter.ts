import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';

const execFileAsync = promisify(execFile);

export const repositoryRoot = path.resolve(import.meta.dirname, '../..');
export const testModelPath = process.env.CHARTER_TEST_MODEL ?? path.resolve(repositoryRoot, '../shared/models/stories260K.gguf');
const charterBin = path.join(repositoryRoot, 'bin/charter.mjs');

/** A Charter server started as its own process through the `charter` command, as a user would. */
export interface StartedCharter {
  baseUrl: string;
  apiKey: string;
  process: ChildProcess;
  output: () => string;
  env: NodeJS.ProcessEnv;
  /** Send SIGTERM and wait for the exit code. */
  stop(): Promise<number | null>;
}

export async function runCharter(args: string[], env: NodeJS.ProcessEnv): Promise<string> {
  const { stdout } = await execFileAsync(process.execPath, [charterBin, ...args], { env, cwd: repositoryRoot, timeout: 60_000 });
  return stdout;
}

// One llama.cpp thread: test files run in parallel on 2 cores, and spinning threads then starve each other.
// `port` 0 picks a free one; a test that must know the address before start (an SSO callback URL) passes its own.
export async function startCharter(extraEnv: NodeJS.ProcessEnv = {}, options: { port?: number } = {}): Promise<StartedCharter> {
  const dataDir = await mkdtemp(path.join(tmpdir(), 'charter-e2e-'));
  const env = { ...process.env, CHARTER_DATA_DIR: dataDir, CHARTER_MODEL: testModelPath, CHARTER_LOG_LEVEL: 'warn', CHARTER_THREADS: '1', ...extraEnv };
  try {
    const { key: apiKey } = JSON.parse(await runCharter(['keys', 'create', '--name', 'e2e', '--json'], env)) as { key: string };
    return await startCharterProcess(env, apiKey, dataDir, options.port);
  } catch (error) {
    await rm(dataDir, { recursive: true, force: true });
    throw error;
  }
}

/** Start `charter serve` on a free port with the given environment (which must be ready to serve). */
export async function startCharterProcess(env: NodeJS.ProcessEnv, apiKey: string, dataDir: string, port = 0): Promise<StartedCharter> {
  const child = spawn(process.execPath, [charterBin, 'serve', '--host', '127.0.0.1', '--port', String(port)], { env, cwd: repositoryRoot, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const baseUrl = await new Promise<string>((resolve, reject) => {
    // A server that never says it is listening is killed here: nothing else would stop it.
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`server did not start in time:\n${output}`));
    }, 90_000);
    const onData = () => {
      const match = /listening on (http:\/\/[^\s]+)/.exec(output);
      if (match) {
        clearTimeout(timer);
        resolve(match[1]!);
      }
    };
    child.stderr.on('data', onData);
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`server exited with ${code}:\n${output}`));
    });
  });
  return {
    baseUrl,
    apiKey,
    process: child,
    output: () => output,
    env,
    async stop() {
      if (child.exitCode === null) child.kill('SIGTERM');
      const code = await exited;
      await rm(dataDir, { recursive: true, force: true });
      return code;
    },
  };
}
