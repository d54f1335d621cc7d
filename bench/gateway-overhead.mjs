#!/usr/bin/env node
// Gateway-overhead benchmark of Charter, side by side with Portkey, loopback only.
//
//   npm run bench:gateway [-- options]        (= node bench/gateway-overhead.mjs [options])
//
// Starts a mock OpenAI-compatible upstream and Charter (temporary data dir and config, an API key created
// with the CLI, auth and metering on as always), then runs ../shared/bench/overhead.mjs against the mock
// directly and through Charter, and ../shared/bench/portkey.sh the same ways, phase by phase:
//   non-streaming at 1 connection, non-streaming at --connections (50), streaming (--mode stream) with
//   --stream-concurrency (20) clients, and streaming with 1 client (first-byte delay without queueing).
// Prints one table with the targets and PASS/MISS, and writes everything under bench/results/<stamp>/.
//
// Options (defaults in brackets):
//   --duration S            seconds per measured phase of overhead.mjs                 [5]
//   --rounds N              rounds per phase (direct and gateway alternate)             [2]
//   --warmup S              unmeasured warm-up per target and phase                     [2]
//   --prime S               unmeasured load at --connections sent to each Charter instance and to the floor
//                           proxy once, before its first phase, so the phases measure a process whose request
//                           path V8 has compiled (as in production after its first seconds), not its JIT
//                           warm-up; Portkey, restarted by portkey.sh for every phase, gets max(warmup, prime)
//                           as the warm-up of each phase instead. 0 = measure from a cold start          [10]
//   --connections N         connections of the high-concurrency non-streaming phase     [50]
//   --stream-concurrency N  concurrent streaming clients                                [20]
//   --log-requests on|off|both
//                           Charter's `log.requests` (one JSON line per request, info level, stdout
//                           redirected to a file). `both`: the headline instance logs requests and one
//                           more instance without request logging is measured afterwards      [both]
//   --moderation on|off|both
//                           Charter's acceptable-use checks (`moderation.isEnabled`, on by default in
//                           Charter). `both`: headline with moderation on, plus an instance without  [both]
//   --limits on|off|both    plans, quotas and rate limits (`limits.isEnabled`, on by default in Charter).
//                           The built-in plans allow <= 1,000 requests/minute, so with limits on the run
//                           creates a plan with limits far above the load (`charter plans create`) and
//                           puts the owner on it (`limits.ownerPlanId`): every check runs, none refuses [on]
//   --config JSON           extra Charter configuration merged into the generated file
//   --floor on|off          also measure bench/pass-through-proxy.mjs, a bare Node proxy (node:http + undici, no
//                           auth, parsing or metering) against the same mock: the floor of one more Node process
//                           hop on this host, to read Charter's numbers against                      [on]
//   --skip-portkey          measure Charter only (the throughput-ratio target is then n/a)
//   --skip-stream1          skip the extra 1-client streaming phase
//   --cpu-prof              run Charter under `node --cpu-prof --cpu-prof-dir bench/results/profiles`
//                           and print the top 15 self-time functions of its profile
//   --profile-summary FILE  only summarise an existing .cpuprofile and exit
//   --max-runtime S         watchdog: stop everything and exit after this long        [computed]
//   --out DIR               results directory                     [bench/results/<UTC stamp>]
//   --portkey-dir DIR       where portkey.sh installs Portkey (gitignored)             [<repo>/.portkey]
//   --shared DIR            the shared bench harness                                    [<repo>/../shared/bench]
//
// Every process this script starts is stopped by its PID (portkey.sh by its own process group) on success,
// failure, Ctrl-C or when the watchdog fires. All traffic goes to 127.0.0.1.

import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const MODEL = 'mock-llm-1'; // the model mock-upstream.mjs answers and overhead.mjs asks for

// ------------------------------------------------------------------------------------------ arguments
const FLAGS = new Set(['skip-portkey', 'skip-stream1', 'cpu-prof', 'help']);
const opts = {};
{
  const argv = process.argv.slice(2);
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (!a.startsWith('--')) fail(`unexpected argument: ${a} (see --help)`);
    let key = a.slice(2);
    let val;
    const eq = key.indexOf('=');
    if (eq !== -1) [key, val] = [key.slice(0, eq), key.slice(eq + 1)];
    else if (FLAGS.has(key)) val = true;
    else if ((val = argv[++i]) === undefined) fail(`missing value for --${key}`);
    opts[key] = val;
  }
}
const KNOWN = ['floor', 'duration', 'rounds', 'warmup', 'prime', 'connections', 'stream-concurrency', 'log-requests', 'moderation', 'limits', 'config', 'skip-portkey', 'skip-stream1', 'cpu-prof', 'profile-summary', 'max-runtime', 'out', 'portkey-dir', 'shared', 'help'];
for (const k of Object.keys(opts)) if (!KNOWN.includes(k)) fail(`unknown option --${k} (see --help)`);
if (opts.help) {
  const src = fs.readFileSync(fileURLToPath(import.meta.url), 'utf8').split('\n');
  console.log(src.slice(1, src.findIndex((l) => l.startsWith('import'))).join('\n').replace(/^\/\/ ?/gm, ''));
  process.exit(0);
}
if (opts['profile-summary']) {
  console.log(profileSummary(opts['profile-summary']).text);
  process.exit(0);
}
function num(k, d, { min = 0, int = false } = {}) {
  const v = opts[k] === undefined ? d : Number(opts[k]);
  if (!Number.isFinite(v) || v < min || (int && !Number.isInteger(v))) fail(`--${k} must be a number >= ${min}`);
  return v;
}
const DURATION = num('duration', 5, { min: 1 });
const ROUNDS = num('rounds', 2, { min: 1, int: true });
const WARMUP = num('warmup', 2);
const PRIME = num('prime', 10);
const PORTKEY_WARMUP = Math.max(WARMUP, PRIME);
const CONNECTIONS = num('connections', 50, { min: 1, int: true });
const STREAM_CONC = num('stream-concurrency', 20, { min: 1, int: true });
const LOG_REQUESTS = opts['log-requests'] ?? 'both';
if (!['on', 'off', 'both'].includes(LOG_REQUESTS)) fail('--log-requests must be on, off or both');
const MODERATION = opts.moderation ?? 'both';
if (!['on', 'off', 'both'].includes(MODERATION)) fail('--moderation must be on, off or both');
const LIMITS = opts.limits ?? 'on';
if (!['on', 'off', 'both'].includes(LIMITS)) fail('--limits must be on, off or both');
const BENCH_PLAN = 'bench-unthrottled'; // a plan whose limits are far above what this machine can send
let EXTRA_CONFIG = {};
if (opts.config) {
  try {
    EXTRA_CONFIG = JSON.parse(opts.config);
  } catch (e) {
    fail(`--config is not valid JSON: ${e.message}`);
  }
}
const FLOOR = opts.floor ?? 'on';
if (!['on', 'off'].includes(FLOOR)) fail('--floor must be on or off');
const WITH_FLOOR = FLOOR === 'on';
const WITH_PORTKEY = !opts['skip-portkey'];
const CPU_PROF = Boolean(opts['cpu-prof']);
const SHARED = path.resolve(opts.shared ?? path.join(ROOT, '..', 'shared', 'bench'));
const PORTKEY_DIR = path.resolve(opts['portkey-dir'] ?? path.join(ROOT, '.portkey'));
const STAMP = new Date().toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z');
const OUT = path.resolve(opts.out ?? path.join(ROOT, 'bench', 'results', STAMP));
const PROFILE_DIR = path.join(ROOT, 'bench', 'results', 'profiles');

// The phases, each run against Charter and (interleaved, so drift hits both alike) against Portkey.
const PHASES = [
  { slot: 'c1', id: 'c1', title: 'non-streaming, 1 connection', args: ['--mode', 'nonstream', '--connections', '1'] },
  { slot: 'cN', id: `c${CONNECTIONS}`, title: `non-streaming, ${CONNECTIONS} connections`, args: ['--mode', 'nonstream', '--connections', String(CONNECTIONS)] },
  { slot: 'stream', id: 'stream', title: `streaming, ${STREAM_CONC} concurrent streams`, args: ['--mode', 'stream', '--stream-concurrency', String(STREAM_CONC)] },
  // one stream at a time: the first-byte delay the gateway itself adds, without queueing behind other streams
  ...(opts['skip-stream1'] ? [] : [{ slot: 'stream1', id: 'stream1', title: 'streaming, 1 stream at a time', args: ['--mode', 'stream', '--stream-concurrency', '1'] }]),
];
// Charter instances, measured one after the other on the same data dir and key: the headline one (request
// logging and moderation as configured; Portkey is interleaved with it), then one per `both` flag with that
// feature off. Variants skip the 1-client streaming phase to keep the run short, except the one without limits:
// API-key auth and metering alone is the configuration the targets were set for.
const HEADLINE = { label: 'charter', log: LOG_REQUESTS !== 'off', moderation: MODERATION !== 'off', limits: LIMITS !== 'off' };
const CHARTER_VARIANTS = [
  HEADLINE,
  ...(LOG_REQUESTS === 'both' ? [{ ...HEADLINE, label: 'charter_nolog', log: false }] : []),
  ...(MODERATION === 'both' ? [{ ...HEADLINE, label: 'charter_nomod', moderation: false }] : []),
  ...(LIMITS === 'both' ? [{ ...HEADLINE, label: 'charter_nolimits', limits: false }] : []),
];
const variantTitle = (v) => `Charter${v.log ? '' : ', log.requests off'}${v.moderation ? '' : ', moderation off'}${v.limits ? '' : ', limits off'}`;
const phasesOf = (v) => (v === HEADLINE || !v.limits ? PHASES : PHASES.filter((p) => p.slot !== 'stream1'));

// Time budgets: one overhead.mjs run takes 2 warm-ups + 2 x rounds phases; slack for start-up and drain.
const RUN_BUDGET_S = 2 * WARMUP + 2 * ROUNDS * DURATION + 60;
const PRIME_BUDGET_S = PRIME + 30;
const PORTKEY_INSTALL_S = 300;
const MAX_RUNTIME_S = num(
  'max-runtime',
  120 + RUN_BUDGET_S * (CHARTER_VARIANTS.reduce((a, v) => a + phasesOf(v).length, 0) + (WITH_PORTKEY ? PHASES.length : 0) + (WITH_FLOOR ? PHASES.length : 0)) + (WITH_PORTKEY ? PORTKEY_INSTALL_S + PHASES.length * (30 + 2 * PORTKEY_WARMUP) : 0) + CHARTER_VARIANTS.length * 90 + (CHARTER_VARIANTS.length + 1) * PRIME_BUDGET_S,
  { min: 10 },
);

// ------------------------------------------------------------------------------------------ processes
/** Every child this script started: name -> { child, group } (group: signal its process group). */
const children = new Map();
/** Temporary directories this run created; removed on every exit path. */
const tempDirs = new Set();
let cleaningUp = null;

function log(msg) {
  process.stderr.write(`[bench:gateway] ${msg}\n`);
}
function fail(msg) {
  process.stderr.write(`gateway-overhead: ${msg}\n`);
  process.exit(1);
}
const alive = (c) => c.exitCode === null && c.signalCode === null;

/** Start a long-running child; stdout+stderr go to `logFile`. */
function startChild(name, cmd, args, { env = process.env, logFile, group = false, cwd = ROOT } = {}) {
  const fd = fs.openSync(logFile, 'a');
  const child = spawn(cmd, args, { cwd, env, stdio: ['ignore', fd, fd], detached: group });
  fs.closeSync(fd);
  child.exitPromise = new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  child.on('error', (e) => log(`${name}: ${e.message}`));
  children.set(name, { child, group });
  return child;
}

/** Run a child to completion within `timeoutS`, capturing stdout (stderr passes through for progress). */
function runChild(name, cmd, args, { env = process.env, timeoutS, group = false, cwd = ROOT } = {}) {
  return new Promise((resolve) => {
    const child = spawn(cmd, args, { cwd, env, stdio: ['ignore', 'pipe', 'inherit'], detached: group });
    child.exitPromise = new Promise((r) => child.once('exit', (code, signal) => r({ code, signal })));
    children.set(name, { child, group });
    let out = '';
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (d) => (out += d));
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      log(`${name} exceeded ${timeoutS}s; stopping it`);
      void stopChild(name, 5000);
    }, timeoutS * 1000);
    child.on('error', (e) => (out += `\n${name}: ${e.message}\n`));
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      children.delete(name);
      resolve({ code, signal, out, timedOut });
    });
  });
}

/** SIGTERM the child (or its group), wait up to graceMs for it to exit, then SIGKILL. */
async function stopChild(name, graceMs = 10_000) {
  const entry = children.get(name);
  if (!entry) return;
  const { child, group } = entry;
  const signal = (sig) => {
    try {
      process.kill(group ? -child.pid : child.pid, sig);
    } catch {
      /* already gone */
    }
  };
  if (alive(child)) {
    signal('SIGTERM');
    const exited = await Promise.race([child.exitPromise.then(() => true), sleep(graceMs).then(() => false)]);
    if (!exited) {
      log(`${name} (pid ${child.pid}) did not exit within ${graceMs} ms; sending SIGKILL`);
      signal('SIGKILL');
      await Promise.race([child.exitPromise, sleep(2000)]);
    }
  }
  if (group) signal('SIGKILL'); // anything left in portkey.sh's group (it traps TERM and stops its own children)
  children.delete(name);
}

function cleanup() {
  cleaningUp ??= (async () => {
    // overhead runs first (they hold connections), then gateways, then the mocks
    const names = [...children.keys()].sort((a, b) => rank(a) - rank(b));
    for (const name of names) await stopChild(name, name.startsWith('charter') ? 15_000 : 8_000);
    for (const dir of tempDirs) fs.rmSync(dir, { recursive: true, force: true });
    tempDirs.clear();
  })();
  return cleaningUp;
}
const rank = (n) => (n.startsWith('overhead') || n.startsWith('portkey') ? 0 : n.startsWith('charter') ? 1 : 2);

process.on('exit', () => {
  // last resort: nothing we started outlives us
  for (const { child, group } of children.values()) {
    try {
      if (alive(child)) process.kill(group ? -child.pid : child.pid, 'SIGKILL');
    } catch {
      /* gone */
    }
  }
});
for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
  process.on(sig, () => {
    if (cleaningUp) return;
    log(`${sig}: stopping everything this run started`);
    cleanup().finally(() => process.exit(130));
  });
}
const watchdog = setTimeout(() => {
  log(`watchdog: run exceeded --max-runtime ${MAX_RUNTIME_S}s; stopping everything`);
  cleanup().finally(() => process.exit(3));
}, MAX_RUNTIME_S * 1000);
watchdog.unref();

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

function freePort() {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

async function waitHttp(url, child, name, logFile, timeoutS = 60) {
  const deadline = Date.now() + timeoutS * 1000;
  let last = '';
  while (Date.now() < deadline) {
    if (!alive(child)) throw new Error(`${name} exited (${child.exitCode ?? child.signalCode}) before it was ready; log tail:\n${tail(logFile)}`);
    try {
      const res = await fetch(url, { signal: AbortSignal.timeout(2000) });
      last = `HTTP ${res.status} ${(await res.text()).slice(0, 300)}`;
      if (res.ok) return last;
    } catch (e) {
      last = e.cause?.code ?? e.message;
    }
    await sleep(200);
  }
  throw new Error(`${name} not ready at ${url} after ${timeoutS}s (last: ${last}); log tail:\n${tail(logFile)}`);
}

function tail(file, lines = 40) {
  try {
    return fs.readFileSync(file, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
  } catch {
    return '(no log)';
  }
}

const monoUs = () => Number(process.hrtime.bigint() / 1000n); // same clock as V8 profile timestamps (Linux)

/** CPU ticks (user, system; 1/100 s) and involuntary context switches of a process, from /proc (Linux). */
function procCpu(pid) {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
    return { user: Number(fields[11]) / 100, sys: Number(fields[12]) / 100, preempted: Number(/nonvoluntary_ctxt_switches:\s+(\d+)/.exec(status)?.[1] ?? NaN) };
  } catch {
    return null;
  }
}

// ------------------------------------------------------------------------------------------ Charter
/** Environment for Charter and its CLI: only what this run sets, nothing inherited that would change it. */
function charterEnv(dataDir, configFile) {
  const env = { ...process.env };
  for (const k of Object.keys(env)) if (k.startsWith('CHARTER_') || k === 'DATABASE_URL' || k === 'REDIS_URL') delete env[k];
  return { ...env, CHARTER_DATA_DIR: dataDir, CHARTER_CONFIG: configFile, CHARTER_LOG_LEVEL: 'info' };
}

function writeCharterConfig(file, { dataDir, port, mockPort, variant }) {
  const config = {
    dataDir,
    server: { host: '127.0.0.1', port, shutdownGraceMs: 2000 },
    log: { level: 'info', requests: variant.log },
    // The built-in plans cap a key at <= 1,000 requests/minute (enterprise, the owner's plan), which a benchmark
    // reaches in a second: with limits on, the owner starts on a plan created for the run whose limits are far
    // above the load, so every check runs and none refuses. Older configs without these sections ignore them.
    limits: { isEnabled: variant.limits, ownerPlanId: BENCH_PLAN },
    moderation: { isEnabled: variant.moderation },
    upstreams: [
      {
        id: 'mock',
        baseUrl: `http://127.0.0.1:${mockPort}/v1`,
        maxRetries: 0,
        healthCheck: false,
        models: [{ name: MODEL, contextWindow: 32768 }],
      },
    ],
  };
  fs.writeFileSync(file, JSON.stringify(deepMerge(config, EXTRA_CONFIG), null, 2) + '\n');
}
function deepMerge(a, b) {
  const out = { ...a };
  for (const [k, v] of Object.entries(b)) {
    const isObj = (x) => x !== null && typeof x === 'object' && !Array.isArray(x);
    out[k] = isObj(out[k]) && isObj(v) ? deepMerge(out[k], v) : v;
  }
  return out;
}

// Newest modification time among the server's sources (apps/<x>/src, packages/<x>/src), to notice edits mid-run.
function newestSource() {
  let newest = { mtimeMs: 0, file: null };
  const walk = (dir) => {
    let entries;
    try {
      entries = fs.readdirSync(dir, { withFileTypes: true });
    } catch {
      return;
    }
    for (const e of entries) {
      if (e.name === 'node_modules' || e.name.startsWith('.')) continue;
      const p = path.join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else if (/\.(ts|mjs|js|json)$/.test(e.name) && !/\.test\.ts$/.test(e.name)) {
        const m = fs.statSync(p).mtimeMs;
        if (m > newest.mtimeMs) newest = { mtimeMs: m, file: path.relative(ROOT, p) };
      }
    }
  };
  for (const top of ['apps', 'packages']) for (const d of fs.readdirSync(path.join(ROOT, top))) walk(path.join(ROOT, top, d, 'src'));
  return newest;
}

/** The Node.js flags of the `charter` command itself (its shebang): the server runs as `npx charter serve` runs it. */
const CHARTER_NODE_FLAGS = fs.readFileSync(path.join(ROOT, 'bin/charter.mjs'), 'utf8').split('\n')[0].match(/\bnode\s+(.*)$/)?.[1]?.split(/\s+/).filter(Boolean) ?? [];

async function startCharter({ name, env, logFile, port }) {
  const nodeArgs = [...CHARTER_NODE_FLAGS, ...(CPU_PROF ? ['--cpu-prof', '--cpu-prof-dir', PROFILE_DIR] : [])];
  const child = startChild(name, process.execPath, [...nodeArgs, 'bin/charter.mjs', 'serve'], { env, logFile });
  const readyz = await waitHttp(`http://127.0.0.1:${port}/readyz`, child, name, logFile, 90);
  log(`${name} ready (pid ${child.pid}) on 127.0.0.1:${port}: ${readyz}`);
  return child;
}

// ------------------------------------------------------------------------------------------ overhead runs
function humanPart(out) {
  const i = out.indexOf('\nJSON:');
  return (i === -1 ? out : out.slice(0, i)).trim();
}

async function overheadCharter(phase, { label, mockPort, port, key, mockPid, charterPid }) {
  const json = path.join(OUT, `${label}-${phase.id}.json`);
  const args = [
    path.join(SHARED, 'overhead.mjs'),
    '--direct', `http://127.0.0.1:${mockPort}`,
    '--gateway', `http://127.0.0.1:${port}`,
    '--auth', `Bearer ${key}`,
    '--model', MODEL,
    '--label', 'charter',
    '--duration', String(DURATION), '--rounds', String(ROUNDS), '--warmup', String(WARMUP),
    '--pids-direct', String(mockPid), '--pids-gateway', String(charterPid),
    '--json', json,
    ...phase.args,
  ];
  log(`${label} / ${phase.title}`);
  const r = await runChild(`overhead-${label}-${phase.id}`, process.execPath, args, { timeoutS: RUN_BUDGET_S + 30 });
  fs.writeFileSync(path.join(OUT, `${label}-${phase.id}.txt`), r.out);
  if (r.code !== 0 || !fs.existsSync(json)) throw new Error(`overhead.mjs against Charter (${phase.title}) failed (exit ${r.code ?? r.signal}${r.timedOut ? ', timed out' : ''}):\n${r.out.slice(-2000)}`);
  console.log(humanPart(r.out) + '\n');
  return JSON.parse(fs.readFileSync(json, 'utf8'));
}

let portkeyInstalled = false;
async function overheadPortkey(phase) {
  const json = path.join(OUT, `portkey-${phase.id}.json`);
  const [mockPort, gwPort] = [await freePort(), await freePort()];
  const timeoutS = RUN_BUDGET_S + 2 * PORTKEY_WARMUP + 60 + (portkeyInstalled ? 0 : PORTKEY_INSTALL_S);
  const env = {
    ...process.env,
    PORTKEY_DIR,
    OUT_DIR: path.join(OUT, 'portkey'),
    MOCK_PORT: String(mockPort),
    GW_PORT: String(gwPort),
    MAX_RUNTIME_S: String(RUN_BUDGET_S + 2 * PORTKEY_WARMUP + 60),
  };
  const args = [
    path.join(SHARED, 'portkey.sh'),
    '--model', MODEL,
    '--duration', String(DURATION), '--rounds', String(ROUNDS), '--warmup', String(PORTKEY_WARMUP),
    ...phase.args,
    '--json', json, // given after portkey.sh's own --json, so this one wins
  ];
  log(`portkey / ${phase.title}${portkeyInstalled ? '' : ' (installs Portkey into ' + PORTKEY_DIR + ' if needed)'}`);
  // its own process group: portkey.sh starts a mock, the gateway and a guard; stopping the group stops all
  const r = await runChild(`portkey-${phase.id}`, 'bash', args, { env, timeoutS, group: true });
  fs.writeFileSync(path.join(OUT, `portkey-${phase.id}.txt`), r.out);
  if (r.code !== 0 || !fs.existsSync(json)) throw new Error(`portkey.sh (${phase.title}) failed (exit ${r.code ?? r.signal}${r.timedOut ? ', timed out' : ''}):\n${r.out.slice(-3000)}`);
  portkeyInstalled = true;
  const human = humanPart(r.out);
  const start = human.indexOf('== gateway overhead');
  console.log((start === -1 ? human : human.slice(start)) + '\n');
  return JSON.parse(fs.readFileSync(json, 'utf8'));
}

/** Every phase through the bare pass-through proxy (see --floor), against the same mock as Charter. */
async function measureFloor({ mockPort, mockPid, key }) {
  const port = await freePort();
  const logFile = path.join(OUT, 'floor.log');
  const proxy = startChild('floor', process.execPath, [path.join(ROOT, 'bench', 'pass-through-proxy.mjs'), '--upstream', `http://127.0.0.1:${mockPort}`, '--port', String(port), '--ttl', String(MAX_RUNTIME_S)], { logFile });
  await waitHttp(`http://127.0.0.1:${port}/health`, proxy, 'floor', logFile, 20);
  log(`floor: pass-through proxy ready (pid ${proxy.pid}) on 127.0.0.1:${port}`);
  await primeGateway('floor', port, key);
  const reports = {};
  for (const phase of PHASES) reports[phase.slot] = await overheadCharter(phase, { label: 'floor', mockPort, port, key, mockPid, charterPid: proxy.pid });
  await stopChild('floor', 5000);
  return reports;
}

/**
 * `--prime` seconds of unmeasured non-streaming load at `--connections`, with the phases' request body and key:
 * V8 compiles a request path only after it ran a few thousand times, and a fresh process spends its first
 * seconds doing that (measured in docs/performance.md), which is start-up cost, not per-request overhead.
 */
async function primeGateway(label, port, key) {
  if (PRIME <= 0) return;
  const body = JSON.stringify({
    model: MODEL,
    messages: [
      { role: 'system', content: 'You are a helpful assistant.' },
      { role: 'user', content: 'Give me a short, friendly answer: what does an API gateway do for an LLM service?' },
    ],
    max_tokens: 64,
    temperature: 0.2,
  });
  const args = [
    path.join(SHARED, 'node_modules', 'autocannon', 'autocannon.js'),
    '--json', '-c', String(CONNECTIONS), '-d', String(PRIME), '-m', 'POST',
    '-H', `authorization=Bearer ${key}`, '-H', 'content-type=application/json', '-b', body,
    `http://127.0.0.1:${port}/v1/chat/completions`,
  ];
  const r = await runChild(`prime-${label}`, process.execPath, args, { timeoutS: PRIME_BUDGET_S });
  let report;
  try {
    report = JSON.parse(r.out);
  } catch {
    throw new Error(`priming ${label} failed (exit ${r.code ?? r.signal}${r.timedOut ? ', timed out' : ''}):\n${r.out.slice(-2000)}`);
  }
  const failed = report.non2xx + report.errors + report.timeouts;
  if (failed > 0) throw new Error(`priming ${label}: ${failed} of ${report.requests.total} requests failed (non-2xx ${report.non2xx}, errors ${report.errors}, timeouts ${report.timeouts})`);
  log(`${label}: primed with ${report.requests.total} requests in ${PRIME}s at ${CONNECTIONS} connections (not measured)`);
}

// ------------------------------------------------------------------------------------------ profile
/** Self time per function (name + url + line) of a .cpuprofile, optionally only samples inside [fromUs, toUs]. */
function profileSummary(file, window = null, top = 15) {
  const prof = JSON.parse(fs.readFileSync(file, 'utf8'));
  const byId = new Map(prof.nodes.map((n) => [n.id, n]));
  const n = prof.samples.length;
  const ts = new Array(n);
  let t = prof.startTime;
  for (let i = 0; i < n; i++) ts[i] = t += prof.timeDeltas[i];
  let useWindow = window && window.fromUs < prof.endTime && window.toUs > prof.startTime;
  const self = new Map();
  const byModule = new Map();
  let total = 0;
  let idle = 0;
  for (let i = 0; i < n; i++) {
    if (useWindow && (ts[i] < window.fromUs || ts[i] > window.toUs)) continue;
    const dt = (i + 1 < n ? ts[i + 1] : prof.endTime) - ts[i];
    if (dt <= 0) continue;
    const cf = byId.get(prof.samples[i]).callFrame;
    total += dt;
    if (cf.functionName === '(idle)') {
      idle += dt;
      continue;
    }
    const url = shortUrl(cf.url);
    const key = `${cf.functionName || '(anonymous)'}\t${url}${url ? `:${cf.lineNumber + 1}` : ''}`;
    self.set(key, (self.get(key) ?? 0) + dt);
    const mod = moduleOf(cf);
    byModule.set(mod, (byModule.get(mod) ?? 0) + dt);
  }
  const busy = total - idle;
  const ms = (us) => (us / 1000).toFixed(1);
  const pctOf = (us) => ((100 * us) / (busy || 1)).toFixed(1);
  const rows = [...self.entries()].sort((a, b) => b[1] - a[1]).slice(0, top);
  const mods = [...byModule.entries()].sort((a, b) => b[1] - a[1]).slice(0, 12);
  const L = [];
  L.push(`profile ${path.relative(ROOT, file)}${useWindow ? ' (samples during the benchmark only, start-up excluded)' : ' (whole process lifetime)'}`);
  L.push(`sampled ${ms(total)} ms, of which idle ${ms(idle)} ms, busy ${ms(busy)} ms on the main thread`);
  L.push(`top ${top} functions by self time (share of busy time):`);
  L.push(`  ${'self ms'.padStart(9)} ${'%'.padStart(5)}  function  location`);
  for (const [key, us] of rows) {
    const [fn, loc] = key.split('\t');
    L.push(`  ${ms(us).padStart(9)} ${pctOf(us).padStart(5)}  ${fn}  ${loc}`);
  }
  L.push('self time by module:');
  for (const [mod, us] of mods) L.push(`  ${ms(us).padStart(9)} ${pctOf(us).padStart(5)}  ${mod}`);
  return { text: L.join('\n'), top: rows.map(([k, us]) => ({ fn: k.split('\t')[0], at: k.split('\t')[1], self_ms: Math.round(us) / 1000, pct_busy: Number(pctOf(us)) })), modules: mods.map(([m, us]) => ({ module: m, self_ms: Math.round(us) / 1000, pct_busy: Number(pctOf(us)) })), busy_ms: busy / 1000, idle_ms: idle / 1000 };
}
function shortUrl(url) {
  if (!url) return '';
  let u = url.replace(/^file:\/\//, '');
  const nm = u.lastIndexOf('/node_modules/');
  if (nm !== -1) return u.slice(nm + 1);
  if (u.startsWith(ROOT + '/')) return u.slice(ROOT.length + 1);
  return u;
}
function moduleOf(cf) {
  const u = shortUrl(cf.url);
  if (!u) return cf.functionName.startsWith('(') ? cf.functionName : '(native / V8 builtins)';
  if (u.startsWith('node:')) return 'node: core (' + u.slice(5).split('/')[0] + ')';
  const nm = /^node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(u);
  if (nm) return nm[1];
  const ws = /^(packages|apps)\/([^/]+)/.exec(u);
  if (ws) return `${ws[1]}/${ws[2]}`;
  return u;
}

// ------------------------------------------------------------------------------------------ table
const round2 = (x) => Math.round(x * 100) / 100;
const f = (x, d = 2) => (x === null || x === undefined || Number.isNaN(x) ? '-' : Number(x).toFixed(d));
function row(cols, widths) {
  return cols.map((c, i) => (i === 0 ? String(c).padEnd(widths[i]) : String(c).padStart(widths[i]))).join('  ');
}

function pick(r) {
  // r: { c1, cN, stream } overhead.mjs reports of one gateway
  const bad = (rep, m) => {
    const g = rep?.[m]?.gateway;
    if (!g) return 0;
    return m === 'nonstream' ? g.non2xx + g.socket_errors + g.timeouts : g.streams_failed;
  };
  return {
    direct_rps_c1: r.c1?.nonstream.direct.rps,
    rps_c1: r.c1?.nonstream.gateway.rps,
    rps_cN: r.cN?.nonstream.gateway.rps,
    direct_rps_cN: r.cN?.nonstream.direct.rps,
    p50_c1: r.c1?.nonstream.gateway.latency_ms.p50,
    p99_c1: r.c1?.nonstream.gateway.latency_ms.p99,
    direct_p50_c1: r.c1?.nonstream.direct.latency_ms.p50,
    direct_p99_c1: r.c1?.nonstream.direct.latency_ms.p99,
    added_p50_c1: r.c1?.nonstream.comparison.added_ms_p50,
    added_p99_c1: r.c1?.nonstream.comparison.added_ms_p99,
    ratio_direct_cN: r.cN ? r.cN.nonstream.gateway.rps / r.cN.nonstream.direct.rps : undefined,
    cpu_c1: r.c1?.nonstream.gateway.cpu_us_per_req,
    cpu_cN: r.cN?.nonstream.gateway.cpu_us_per_req,
    direct_cpu_cN: r.cN?.nonstream.direct.cpu_us_per_req,
    streams_s: r.stream?.stream.gateway.rps,
    ttfb_added_p50: r.stream?.stream.comparison.ttfb_added_ms_p50,
    ttfb_added_p99: r.stream?.stream.comparison.ttfb_added_ms_p99,
    ttfb_p50: r.stream?.stream.gateway.ttfb_ms.p50,
    direct_ttfb_p50: r.stream?.stream.direct.ttfb_ms.p50,
    cpu_stream: r.stream?.stream.gateway.cpu_us_per_req,
    direct_streams_s: r.stream?.stream.direct.rps,
    ttfb1_added_p50: r.stream1?.stream.comparison.ttfb_added_ms_p50,
    ttfb1_added_p99: r.stream1?.stream.comparison.ttfb_added_ms_p99,
    direct_ttfb1_p50: r.stream1?.stream.direct.ttfb_ms.p50,
    cpu_stream1: r.stream1?.stream.gateway.cpu_us_per_req,
    failedStatuses: [r.c1, r.cN, r.stream, r.stream1].reduce((acc, x) => {
      for (const m of ['nonstream', 'stream']) for (const [st, n] of Object.entries(x?.[m]?.gateway.statuses ?? {})) if (st !== '200') acc[st] = (acc[st] ?? 0) + n;
      return acc;
    }, {}),
    failed: bad(r.c1, 'nonstream') + bad(r.cN, 'nonstream') + bad(r.stream, 'stream') + bad(r.stream1, 'stream'),
    warnings: [r.c1, r.cN, r.stream, r.stream1].flatMap((x) => x?.warnings ?? []),
  };
}

function renderTable(results, meta) {
  const N = CONNECTIONS;
  const L = [];
  L.push(`== Charter gateway overhead (${meta.cpus} cores ${meta.cpuModel}, node ${process.version}, ${meta.date}) ==`);
  L.push(`load average before ${meta.loadBefore.join(' ')}, after ${meta.loadAfter.join(' ')}; phases ${DURATION}s x ${ROUNDS} rounds, warm-up ${WARMUP}s${PRIME > 0 ? `; each Charter instance and the floor primed with ${PRIME}s at ${CONNECTIONS} connections first, Portkey warmed up ${PORTKEY_WARMUP}s per phase` : '; no priming (cold start)'}; mock, gateway and load generator share the cores`);
  L.push(
    `mock upstream: non-streaming JSON with usage; streams of 20 SSE chunks. Charter (node ${CHARTER_NODE_FLAGS.join(' ') || 'without flags'}): API-key auth + metering on (always), limits ${meta.limits}, moderation and request logging as labelled${Object.keys(meta.extraConfig).length ? `, --config ${JSON.stringify(meta.extraConfig)}` : ''}${CPU_PROF ? '; Charter ran under --cpu-prof (numbers inflated by the profiler)' : ''}`,
  );
  L.push('');
  const pk = results.portkey ? pick(results.portkey) : null;
  const lines = Object.entries(results).map(([name, r]) => ({ name, p: pick(r) }));
  const labelOf = (name) => (name === 'portkey' ? 'Portkey 1.15.2' : name === 'floor' ? 'floor: bare Node proxy' : meta.variants[name] ?? name);
  const w = [28, 9, 10, 11, 11, 10, 10, 10, 10];
  L.push('non-streaming (POST /v1/chat/completions)');
  L.push(row(['gateway', 'req/s', 'req/s', 'added p50', 'added p99', 'vs direct', 'vs Portkey', 'CPU us/req', 'CPU us/req'], w));
  L.push(row(['', 'c=1', `c=${N}`, 'c=1 (ms)', 'c=1 (ms)', `c=${N}`, `c=${N}`, 'c=1', `c=${N}`], w));
  for (const { name, p } of lines) {
    const vsPk = name === 'portkey' ? '1.00x' : pk && p.rps_cN && pk.rps_cN ? `${f(p.rps_cN / pk.rps_cN, 2)}x` : 'n/a';
    L.push(row([labelOf(name) + (p.failed ? ' !' : ''), f(p.rps_c1, 0), f(p.rps_cN, 0), f(p.added_p50_c1, 3), f(p.added_p99_c1, 3), f(p.ratio_direct_cN, 3), vsPk, f(p.cpu_c1, 0), f(p.cpu_cN, 0)], w));
  }
  for (const { name, p } of lines)
    if (name === 'charter' || name === 'portkey')
      L.push(
        row([`  direct, ${name === 'portkey' ? 'Portkey' : 'Charter'} runs`, f(p.direct_rps_c1, 0), f(p.direct_rps_cN, 0), `p50 ${f(p.direct_p50_c1, 3)}`, `p99 ${f(p.direct_p99_c1, 3)}`, '', '', '', f(p.direct_cpu_cN, 0)], w),
      );
  L.push('');
  const has1 = lines.some(({ p }) => p.ttfb1_added_p50 !== undefined);
  const w2 = [28, 10, 11, 11, 10, ...(has1 ? [11, 11, 10] : [])];
  L.push('streaming (stream: true, 20 SSE chunks): time to first body byte added (gateway - direct)');
  L.push(row(['gateway', 'streams/s', 'TTFB +p50', 'TTFB +p99', 'CPU us', ...(has1 ? ['TTFB +p50', 'TTFB +p99', 'CPU us'] : [])], w2));
  L.push(row(['', `${STREAM_CONC} clients`, `${STREAM_CONC} cl. ms`, `${STREAM_CONC} cl. ms`, '/stream', ...(has1 ? ['1 client ms', '1 client ms', '/stream'] : [])], w2));
  for (const { name, p } of lines)
    L.push(row([labelOf(name) + (p.failed ? ' !' : ''), f(p.streams_s, 0), f(p.ttfb_added_p50, 2), f(p.ttfb_added_p99, 2), f(p.cpu_stream, 0), ...(has1 ? [f(p.ttfb1_added_p50, 2), f(p.ttfb1_added_p99, 2), f(p.cpu_stream1, 0)] : [])], w2));
  for (const { name, p } of lines)
    if (name === 'charter' || name === 'portkey')
      L.push(row([`  direct, ${name === 'portkey' ? 'Portkey' : 'Charter'} runs`, f(p.direct_streams_s, 0), `p50 ${f(p.direct_ttfb_p50, 2)}`, '', '', ...(has1 ? [`p50 ${f(p.direct_ttfb1_p50, 2)}`, '', ''] : [])], w2));
  L.push('(added = gateway minus direct in the same phase, alternating rounds; "vs direct" = gateway req/s / direct req/s; CPU = the');
  L.push(' gateway process\'s CPU time per request; "direct" rows show the mock\'s own absolute numbers; "!" = the gateway failed requests;');
  L.push(' "floor" = bench/pass-through-proxy.mjs, node:http + undici and nothing else: what one more Node process hop costs on this host)');
  for (const [name, c] of Object.entries(meta.cpuSplit ?? {}))
    L.push(
      `${labelOf(name)}: process CPU during its phases ${f(c.user_s + c.sys_s, 1)} s = ${f(c.user_s, 1)} s user + ${f(c.sys_s, 1)} s system (${f((100 * c.sys_s) / (c.user_s + c.sys_s || 1), 0)}% in the kernel: socket and file writes), ${c.involuntary_ctx_switches} involuntary context switches`,
    );
  L.push('');

  // targets, on the headline Charter instance
  const headName = 'charter';
  const c = pick(results[headName]);
  const T = [];
  const verdict = (ok, errs) => (errs ? 'MISS (failed requests)' : ok === null ? 'n/a' : ok ? 'PASS' : 'MISS');
  const val = (x, unit, d = 3) => (x === null || x === undefined ? '-' : `${f(x, d)} ${unit}`);
  T.push(['Charter adds <= 0.3 ms at p50, 1 connection', val(c.added_p50_c1, 'ms'), verdict(c.added_p50_c1 == null ? null : c.added_p50_c1 <= 0.3, c.failed)]);
  T.push(['Charter adds <= 1 ms at p99, 1 connection', val(c.added_p99_c1, 'ms'), verdict(c.added_p99_c1 == null ? null : c.added_p99_c1 <= 1, c.failed)]);
  const ratio = pk && c.rps_cN && pk.rps_cN ? c.rps_cN / pk.rps_cN : null;
  T.push([`Charter req/s >= 4x Portkey's at ${N} connections`, ratio === null ? 'not measured' : `${f(ratio, 2)}x (${f(c.rps_cN, 0)} vs ${f(pk.rps_cN, 0)})`, verdict(ratio === null ? null : ratio >= 4, c.failed)]);
  T.push([`stream first byte <= 1 ms later, p50, ${STREAM_CONC} clients`, val(c.ttfb_added_p50, 'ms', 2), verdict(c.ttfb_added_p50 == null ? null : c.ttfb_added_p50 <= 1, c.failed)]);
  T.push([`stream first byte <= 1 ms later, p99, ${STREAM_CONC} clients`, val(c.ttfb_added_p99, 'ms', 2), verdict(c.ttfb_added_p99 == null ? null : c.ttfb_added_p99 <= 1, c.failed)]);
  if (c.ttfb1_added_p50 !== undefined) {
    T.push(['stream first byte <= 1 ms later, p50, 1 client', val(c.ttfb1_added_p50, 'ms', 2), verdict(c.ttfb1_added_p50 <= 1, c.failed)]);
    T.push(['stream first byte <= 1 ms later, p99, 1 client', val(c.ttfb1_added_p99, 'ms', 2), verdict(c.ttfb1_added_p99 <= 1, c.failed)]);
  }
  L.push(`targets (judged on the headline instance: ${meta.variants.charter}${HEADLINE.log ? ', log.requests on' : ''}${HEADLINE.moderation ? ', moderation on' : ''}${HEADLINE.limits ? ', limits on' : ''}):`);
  for (const [t, m, v] of T) L.push(`  ${t.padEnd(52)} ${m.padEnd(26)} ${v}`);
  if (pk && c.rps_cN && c.direct_rps_cN && pk.rps_cN && pk.direct_rps_cN)
    L.push(`  (drift-normalised ratio: (Charter/direct) / (Portkey/direct) at ${N} connections = ${f(c.rps_cN / c.direct_rps_cN / (pk.rps_cN / pk.direct_rps_cN), 2)}x)`);
  if (results.floor) {
    const fl = pick(results.floor);
    L.push(
      `  (floor on this host, a bare Node proxy: adds ${f(fl.added_p50_c1, 3)} / ${f(fl.added_p99_c1, 3)} ms at p50 / p99 at 1 connection, ${f(fl.rps_cN, 0)} req/s at ${N}, first byte +${f(fl.ttfb_added_p50, 2)} / +${f(fl.ttfb_added_p99, 2)} ms at ${STREAM_CONC} clients${fl.ttfb1_added_p50 === undefined ? '' : ` and +${f(fl.ttfb1_added_p50, 2)} / +${f(fl.ttfb1_added_p99, 2)} ms at 1 client`})`,
    );
  }
  const warnings = lines.flatMap(({ name, p }) => p.warnings.map((x) => `${name}: ${x}`));
  const noisy = warnings.map((x) => /used (\d+)% of host CPU/.exec(x)).filter(Boolean).map((m) => Number(m[1]));
  const other = warnings.filter((x) => !/used \d+% of host CPU/.test(x));
  const phasesRun = lines.reduce((a, { name }) => a + Object.keys(results[name]).length, 0) * 2 * ROUNDS;
  if (noisy.length || other.length) L.push('');
  if (noisy.length)
    L.push(
      `noise: in ${noisy.length} of ${phasesRun} measured phases, processes outside the benchmark used more than 5% of the host's CPU (median ${noisy.sort((a, b) => a - b)[Math.floor(noisy.length / 2)]}%, max ${Math.max(...noisy)}%); see the per-run reports`,
    );
  for (const x of [...new Set(other)]) L.push(`WARNING ${x}`);
  for (const { name, p } of lines)
    if (Object.keys(p.failedStatuses).length)
      L.push(`WARNING ${labelOf(name)}: non-200 answers ${Object.entries(p.failedStatuses).map(([st, n]) => `HTTP ${st} x ${n}`).join(', ')} (status 0 = connection error/timeout); see ${name}.log`);
  if (meta.sourcesEditedDuringRun)
    L.push(`WARNING the server's sources changed during the run (${meta.sourcesEditedDuringRun.file} at ${meta.sourcesEditedDuringRun.mtime}): instances started at different times may have run different code`);
  return { text: L.join('\n'), targets: T.map(([target, measured, result]) => ({ target, measured, result })) };
}

// ------------------------------------------------------------------------------------------ main
async function main() {
  fs.mkdirSync(OUT, { recursive: true });
  if (CPU_PROF) fs.mkdirSync(PROFILE_DIR, { recursive: true });
  log(`results in ${path.relative(ROOT, OUT)}; watchdog ${MAX_RUNTIME_S}s; load average ${os.loadavg().map((x) => x.toFixed(2)).join(' ')} on ${os.cpus().length} cores`);

  // 1. the shared harness's dependency (autocannon), from its lockfile
  for (const file of ['overhead.mjs', 'mock-upstream.mjs', 'portkey.sh']) if (!fs.existsSync(path.join(SHARED, file))) fail(`${SHARED}/${file} not found (--shared DIR)`);
  if (!fs.existsSync(path.join(SHARED, 'node_modules', 'autocannon'))) {
    log(`installing the harness's dependencies: npm ci --prefix ${path.relative(ROOT, SHARED)}`);
    const r = spawnSync('npm', ['ci', '--prefix', SHARED, '--no-audit', '--no-fund'], { cwd: ROOT, stdio: 'inherit', timeout: 300_000 });
    if (r.status !== 0) fail(`npm ci --prefix ${SHARED} failed (${r.error?.message ?? `exit ${r.status}`})`);
  }

  // 2. the mock upstream for Charter (portkey.sh starts its own)
  const mockPort = await freePort();
  const mockLog = path.join(OUT, 'mock.log');
  const mock = startChild('mock', process.execPath, [path.join(SHARED, 'mock-upstream.mjs'), '--port', String(mockPort), '--ttl', String(MAX_RUNTIME_S + 30)], { logFile: mockLog });
  await waitHttp(`http://127.0.0.1:${mockPort}/health`, mock, 'mock', mockLog, 20);
  log(`mock upstream ready (pid ${mock.pid}) on 127.0.0.1:${mockPort}`);

  // 3. Charter: temporary data dir + config, an API key from the CLI before the server starts
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'charter-bench-'));
  tempDirs.add(tmp);
  const dataDir = path.join(tmp, 'data');
  const configFile = path.join(tmp, 'charter.json');
  const results = {}; // headline, variants, then portkey (table order)
  let portkeyResults = null;
  const cpuSplit = {}; // Charter process user/system CPU over its benchmark window
  const sourcesAt = {}; // newest server source file when each instance started
  const profiles = [];
  try {
    const port = await freePort();
    writeCharterConfig(configFile, { dataDir, port, mockPort, variant: HEADLINE });
    const env = charterEnv(dataDir, configFile);
    const kc = spawnSync(process.execPath, ['bin/charter.mjs', 'keys', 'create', '--name', 'bench', '--json'], { cwd: ROOT, env, encoding: 'utf8', timeout: 120_000 });
    let key;
    try {
      key = JSON.parse(kc.stdout).key;
    } catch {
      /* reported below */
    }
    if (kc.status !== 0 || !key) throw new Error(`charter keys create failed (${kc.error?.message ?? `exit ${kc.status}`}):\n${kc.stdout}\n${kc.stderr}`);
    log(`API key created (${key.slice(0, 12)}…) in ${dataDir}`);
    if (CHARTER_VARIANTS.some((v) => v.limits)) {
      const planFile = path.join(tmp, 'plan.json');
      const big = 1_000_000_000;
      fs.writeFileSync(
        planFile,
        JSON.stringify({ id: BENCH_PLAN, name: 'Benchmark: limits far above the load', kind: 'enterprise', limits: { requests_per_minute: big, requests_per_hour: big, tokens_per_minute: big, concurrent_requests: 100_000 }, quota: null }),
      );
      const pc = spawnSync(process.execPath, ['bin/charter.mjs', 'plans', 'create', '--file', planFile, '--json'], { cwd: ROOT, env, encoding: 'utf8', timeout: 120_000 });
      if (pc.status !== 0) throw new Error(`charter plans create failed (${pc.error?.message ?? `exit ${pc.status}`}); run with --limits off to measure without limits:\n${pc.stdout}\n${pc.stderr}`);
      log(`plan ${BENCH_PLAN} created; the instance owner is put on it at the first start (limits.ownerPlanId)`);
    }

    for (const [vi, variant] of CHARTER_VARIANTS.entries()) {
      const label = variant.label;
      if (vi > 0) writeCharterConfig(configFile, { dataDir, port, mockPort, variant });
      sourcesAt[label] = newestSource();
      const logFile = path.join(OUT, `${label}.log`);
      const charter = await startCharter({ name: label, env, logFile, port });
      // one request by hand first: a refusal here (401, 429, 5xx) is clearer than thousands in the phases
      {
        const res = await fetch(`http://127.0.0.1:${port}/v1/chat/completions`, {
          method: 'POST',
          headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
          body: JSON.stringify({ model: MODEL, messages: [{ role: 'user', content: 'hello' }], max_tokens: 8 }),
          signal: AbortSignal.timeout(10_000),
        });
        const body = await res.text();
        if (res.status !== 200) throw new Error(`${label}: sanity request answered HTTP ${res.status}: ${body.slice(0, 500)}\nlog tail:\n${tail(logFile)}`);
        const rl = [...res.headers].filter(([h]) => h.startsWith('x-ratelimit')).map(([h, v]) => `${h}=${v}`);
        log(`${label}: sanity request HTTP 200${rl.length ? `; ${rl.join(' ')}` : '; no x-ratelimit headers'}`);
      }
      await primeGateway(label, port, key);
      const ctx = { label, mockPort, port, key, mockPid: mock.pid, charterPid: charter.pid };
      const reports = {};
      const pkReports = {};
      const fromUs = monoUs();
      const cpu0 = procCpu(charter.pid);
      for (const phase of phasesOf(variant)) {
        const slot = phase.slot;
        reports[slot] = await overheadCharter(phase, ctx);
        if (!alive(charter)) throw new Error(`Charter exited during "${phase.title}"; log tail:\n${tail(logFile)}`);
        // Portkey interleaved with the headline instance, phase by phase (Charter idles meanwhile)
        if (WITH_PORTKEY && vi === 0) pkReports[slot] = await overheadPortkey(phase);
      }
      const toUs = monoUs();
      const cpu1 = procCpu(charter.pid);
      if (cpu0 && cpu1) cpuSplit[label] = { user_s: round2(cpu1.user - cpu0.user), sys_s: round2(cpu1.sys - cpu0.sys), involuntary_ctx_switches: cpu1.preempted - cpu0.preempted };
      results[label] = reports;
      if (WITH_PORTKEY && vi === 0) portkeyResults = pkReports;
      const errors = tail(logFile, 100000).split('\n').filter((l) => /"level":(50|60)/.test(l));
      if (errors.length) log(`${label}: ${errors.length} error lines in ${path.relative(ROOT, logFile)}, first: ${errors[0].slice(0, 500)}`);
      const pid = charter.pid;
      await stopChild(label, 15_000);
      if (CPU_PROF) {
        await sleep(300);
        // CPU.<date>.<time>.<pid>.<thread>.<seq>.cpuprofile; thread 0 is the main thread (1 is tsx's module-loader worker)
        const mine = fs.readdirSync(PROFILE_DIR).filter((n) => n.includes(`.${pid}.`) && n.endsWith('.cpuprofile'));
        const main = mine.find((n) => n.split('.')[4] === '0');
        const file = main && path.join(PROFILE_DIR, main);
        if (file) profiles.push({ label, file, window: { fromUs, toUs }, others: mine.filter((n) => n !== main) });
        else log(`no .cpuprofile for pid ${pid} in ${PROFILE_DIR} (did Charter exit cleanly? log: ${logFile})`);
      }
    }
    if (WITH_FLOOR) results.floor = await measureFloor({ mockPort, mockPid: mock.pid, key });
    if (portkeyResults) results.portkey = portkeyResults;
  } finally {
    await cleanup(); // stops every child and removes the temporary directory
  }

  const meta = {
    cpus: os.cpus().length,
    cpuModel: os.cpus()[0]?.model?.trim() ?? '',
    date: new Date().toISOString().slice(0, 16).replace('T', ' ') + ' UTC',
    loadBefore: firstLoad,
    loadAfter: os.loadavg().map((x) => x.toFixed(2)),
    cpuSplit,
    sourcesAt: Object.fromEntries(Object.entries(sourcesAt).map(([k, v]) => [k, { file: v.file, mtime: new Date(v.mtimeMs).toISOString() }])),
    sourcesEditedDuringRun: null,
    variants: Object.fromEntries(CHARTER_VARIANTS.map((v) => [v.label, variantTitle(v)])),
    limits: LIMITS === 'both' ? 'as labelled' : LIMITS === 'on' ? `on (owner on plan ${BENCH_PLAN}: limits far above the load)` : 'off',
    extraConfig: EXTRA_CONFIG,
  };
  {
    const first = Object.values(sourcesAt)[0];
    const now = newestSource();
    if (first && now.mtimeMs > first.mtimeMs) meta.sourcesEditedDuringRun = { file: now.file, mtime: new Date(now.mtimeMs).toISOString() };
  }
  const table = renderTable(results, meta);
  let profText = '';
  const profJson = [];
  for (const p of profiles) {
    const s = profileSummary(p.file, p.window);
    profText += `\n-- CPU profile of ${p.label} (main thread) --\n${s.text}\n`;
    if (p.others.length) profText += `(other threads' profiles, not summarised: ${p.others.join(', ')})\n`;
    profJson.push({ label: p.label, file: path.relative(ROOT, p.file), ...s, text: undefined });
  }
  const text = `${table.text}\n${profText}`;
  console.log('\n' + text);
  fs.writeFileSync(path.join(OUT, 'summary.txt'), text + '\n');
  fs.writeFileSync(path.join(OUT, 'summary.json'), JSON.stringify({ meta, config: { DURATION, ROUNDS, WARMUP, PRIME, PORTKEY_WARMUP, CONNECTIONS, STREAM_CONC, LOG_REQUESTS, WITH_PORTKEY, CPU_PROF }, targets: table.targets, results: Object.fromEntries(Object.entries(results).map(([k, r]) => [k, pick(r)])), profiles: profJson }, null, 2) + '\n');
  log(`summary: ${path.relative(ROOT, path.join(OUT, 'summary.txt'))}`);
}

const firstLoad = os.loadavg().map((x) => x.toFixed(2));
main().then(
  () => process.exit(0),
  async (e) => {
    process.stderr.write(`\ngateway-overhead: ${e.stack ?? e}\n`);
    await cleanup();
    process.exit(1);
  },
);
