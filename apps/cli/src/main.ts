import { readFile } from 'node:fs/promises';
import { apiKeyEndpointSchema, createPlanRequestSchema, type PlanBody, staffRoleSchema } from '@charter/contracts';
import { CharterClient } from '@charter/sdk';
import {
  ConfigError,
  listOutbox,
  loadConfig,
  openAdminContext,
  outboxDirectory,
  readOutboxMessage,
  runMigrations,
  startServer,
  toApiKeyBody,
  toPlanAssignmentBody,
  toPlanBody,
  toPlanDefinition,
  type CharterConfig,
} from '@charter/server';
import { Command, InvalidArgumentError } from 'commander';
import { createProgressBar } from './progress-bar.js';

function parsePort(value: string): number {
  const port = Number(value);
  if (!Number.isInteger(port) || port < 0 || port > 65_535) throw new InvalidArgumentError('must be a port number (0-65535).');
  return port;
}

/** A whole number as typed; its range is checked where the value is used (the same check as over HTTP). */
function wholeNumber(value: string, message: string): number {
  if (!/^\d+$/.test(value.trim())) throw new InvalidArgumentError(message);
  return Number(value);
}

function parseWholeNumber(value: string): number {
  return wholeNumber(value, 'must be a whole number.');
}

/**
 * A limit to set (a whole number) or to remove (`none`). Parsed in the action, not as an option parser: commander
 * turns a parser's `null` into an empty string.
 */
function limitChange(value: string | undefined, flag: string): number | null | undefined {
  if (value === undefined) return undefined;
  return value.trim() === 'none' ? null : wholeNumber(value, `${flag} must be a whole number or none.`);
}

function parseList(value: string): string[] {
  return value.split(',').map((item) => item.trim()).filter(Boolean);
}

type ApiKeyEndpoint = (typeof apiKeyEndpointSchema.options)[number];

/** A scope list to change: `all` lifts the restriction (null); else a comma-separated, non-empty list. */
function scopeListChange(value: string | undefined, flag: string): string[] | null | undefined {
  if (value === undefined) return undefined;
  if (value.trim() === 'all') return null;
  const list = parseList(value);
  if (list.length === 0) throw new InvalidArgumentError(`${flag} must be a comma-separated list or all.`);
  return list;
}

function endpointList(values: string[], flag: string): ApiKeyEndpoint[] {
  return values.map((value) => {
    const parsed = apiKeyEndpointSchema.safeParse(value);
    if (!parsed.success) throw new InvalidArgumentError(`${flag}: unknown endpoint scope "${value}" (one of ${apiKeyEndpointSchema.options.join(', ')}).`);
    return parsed.data;
  });
}

function cliActor(userId: string) {
  return { userId, apiKeyId: null, requestId: null, via: 'cli' as const };
}

/** A plan file in the shape of `POST /api/v1/admin/plans`; mistakes name the field, like the API does. */
async function readPlanFile(file: string) {
  let json: unknown;
  try {
    json = JSON.parse(await readFile(file, 'utf8'));
  } catch (error) {
    throw new InvalidArgumentError(`${file}: ${error instanceof Error ? error.message : String(error)}`);
  }
  const parsed = createPlanRequestSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new InvalidArgumentError(`${file}: ${issue ? `${issue.path.join('.') || 'plan'}: ${issue.message}` : 'not a plan'}`);
  }
  return parsed.data;
}

function describeLimit(value: number | null): string {
  return value === null ? 'unlimited' : String(value);
}

function describePlan(plan: PlanBody): string {
  const quota = plan.quota ? `${plan.quota.amount} ${plan.quota.unit} per ${plan.quota.period}, overage ${plan.quota.overage}` : 'none';
  return [
    `${plan.id}  ${plan.name} (${plan.kind})`,
    `  limits: ${describeLimit(plan.limits.requests_per_minute)} req/min, ${describeLimit(plan.limits.requests_per_hour)} req/h, ${describeLimit(plan.limits.tokens_per_minute)} tokens/min, ${describeLimit(plan.limits.concurrent_requests)} concurrent`,
    `  quota: ${quota}`,
    `  models: ${plan.allowed_models?.join(', ') ?? 'all'}${plan.flags.is_non_commercial_only ? '  (non-commercial use only)' : ''}`,
  ].join('\n');
}

const staffRoleNames = staffRoleSchema.options;
type StaffRoleName = (typeof staffRoleNames)[number];

function parseStaffRole(value: string): StaffRoleName {
  const parsed = staffRoleSchema.safeParse(value);
  if (!parsed.success) throw new InvalidArgumentError(`must be one of ${staffRoleNames.join(', ')}.`);
  return parsed.data;
}

/** The whole of standard input, without the final line break (`printf '%s' "$PASSWORD" | charter admin create …`). */
async function readPasswordFromStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk)));
  const password = Buffer.concat(chunks).toString('utf8').replace(/\r?\n$/, '');
  if (password.length === 0) throw new InvalidArgumentError('--password-stdin: standard input was empty.');
  return password;
}

function configFrom(overrides: Record<string, unknown> = {}): CharterConfig {
  return loadConfig(process.env, overrides);
}

function print(value: unknown, asJson: boolean, text: () => string): void {
  process.stdout.write(asJson ? `${JSON.stringify(value, null, 2)}\n` : `${text()}\n`);
}

async function withAdmin<T>(action: (context: Awaited<ReturnType<typeof openAdminContext>>) => Promise<T>): Promise<T> {
  const context = await openAdminContext(configFrom());
  try {
    return await action(context);
  } finally {
    await context.close();
  }
}

/** Build the `charter` command. A contract scripts rely on: keep names and output shapes stable. */
export function createProgram(): Command {
  const program = new Command('charter').description('Charter: a self-hosted AI language-model service.').version('0.1.0');

  program
    .command('serve')
    .description('Start the server (CHARTER_DATA_DIR, CHARTER_MODEL, DATABASE_URL, REDIS_URL configure it).')
    .option('--host <host>', 'address to listen on')
    .option('--port <port>', 'port to listen on', parsePort)
    .action(async (options: { host?: string; port?: number }) => {
      const server: Record<string, unknown> = {};
      if (options.host !== undefined) server.host = options.host;
      if (options.port !== undefined) server.port = options.port;
      const config = configFrom(Object.keys(server).length > 0 ? { server } : {});
      const bars = new Map<string, ReturnType<typeof createProgressBar>>();
      const { url, app } = await startServer(config, {
        onModelDownloadProgress: (progress) => {
          if (!bars.has(progress.model)) bars.set(progress.model, createProgressBar(`Downloading ${progress.model}`));
          bars.get(progress.model)!(progress.downloadedBytes, progress.totalBytes);
        },
      });
      const models = app.services.inference.listModels({ userId: app.owner.id, organizationId: null, apiKeyId: null, sessionId: null, scopes: { models: null, endpoints: null, rateLimits: null } });
      process.stderr.write(
        `Charter is listening on ${url}\n` +
          `  models: ${models.length > 0 ? models.map((model) => model.name).join(', ') : 'none (set CHARTER_MODEL to a GGUF path, hf: URI or https URL)'}\n` +
          `  docs:   ${url}/docs\n` +
          `  create an API key: npx charter keys create --name my-key --json\n`,
      );
    });

  program
    .command('migrate')
    .description('Apply database migrations.')
    .option('--json', 'print JSON')
    .action(async (options: { json?: boolean }) => {
      const applied = await runMigrations(configFrom());
      print({ applied }, options.json ?? false, () => (applied.length > 0 ? `Applied: ${applied.join(', ')}` : 'Database is up to date.'));
    });

  const keys = program.command('keys').description("Manage the instance owner's API keys.");
  keys
    .command('create')
    .description('Create an API key; the secret is printed once.')
    .requiredOption('--name <name>', 'a name to recognise the key by')
    .option('--models <models>', 'comma-separated model names the key may use (default: all)', parseList)
    .option('--endpoints <endpoints>', `comma-separated endpoint scopes (${apiKeyEndpointSchema.options.join(', ')}; default: all inference endpoints)`, parseList)
    .option('--expires-at <time>', 'RFC 3339 expiry time')
    .option('--rpm <n>', "the key's own limit of requests per minute (only one lower than the owner's plan has an effect)", parseWholeNumber)
    .option('--rph <n>', "the key's own limit of requests per hour", parseWholeNumber)
    .option('--tpm <n>', "the key's own limit of tokens per minute", parseWholeNumber)
    .option('--concurrency <n>', "the key's own limit of requests running at once", parseWholeNumber)
    .option('--json', 'print JSON')
    .action(async (options: { name: string; models?: string[]; endpoints?: string[]; expiresAt?: string; rpm?: number; rph?: number; tpm?: number; concurrency?: number; json?: boolean }) => {
      const endpoints = options.endpoints?.map((endpoint) => apiKeyEndpointSchema.parse(endpoint));
      const expiresAt = options.expiresAt ? new Date(options.expiresAt) : null;
      if (expiresAt && Number.isNaN(expiresAt.getTime())) throw new InvalidArgumentError('--expires-at must be an RFC 3339 time.');
      const rateLimits = { requestsPerMinute: options.rpm ?? null, requestsPerHour: options.rph ?? null, tokensPerMinute: options.tpm ?? null, concurrentRequests: options.concurrency ?? null };
      const issued = await withAdmin(({ apiKeys, owner }) => apiKeys.create(owner.id, { name: options.name, scopes: { models: options.models ?? null, endpoints: endpoints ?? null, rateLimits }, expiresAt }, cliActor(owner.id)));
      const body = { ...toApiKeyBody(issued.apiKey), key: issued.secret };
      print(body, options.json ?? false, () => `Created ${body.id} (${body.name}).\nKey (shown once, store it now): ${body.key}`);
    });
  keys
    .command('list')
    .description('List API keys.')
    .option('--json', 'print JSON')
    .action(async (options: { json?: boolean }) => {
      const list = (await withAdmin(({ apiKeys, owner }) => apiKeys.list(owner.id))).map(toApiKeyBody);
      print({ object: 'list', data: list }, options.json ?? false, () =>
        list.length === 0 ? 'No API keys.' : list.map((key) => `${key.id}  ${key.prefix}…  ${key.name}  ${key.revoked_at ? 'revoked' : 'active'}  last used: ${key.last_used_at ?? 'never'}`).join('\n'),
      );
    });
  keys
    .command('update <keyId>')
    .description("Rename an API key, change what it may use, or its own rate limits (N, or `none` to remove one); the secret stays the same.")
    .option('--name <name>', 'a new name')
    .option('--models <models>', 'comma-separated model names the key may use, or all')
    .option('--endpoints <endpoints>', `comma-separated endpoint scopes (${apiKeyEndpointSchema.options.join(', ')}), or all (all inference endpoints)`)
    .option('--rpm <n>', 'requests per minute, or none')
    .option('--rph <n>', 'requests per hour, or none')
    .option('--tpm <n>', 'tokens per minute, or none')
    .option('--concurrency <n>', 'requests running at once, or none')
    .option('--clear-limits', "remove all of the key's own rate limits")
    .option('--json', 'print JSON')
    .action(async (keyId: string, options: { name?: string; models?: string; endpoints?: string; rpm?: string; rph?: string; tpm?: string; concurrency?: string; clearLimits?: boolean; json?: boolean }) => {
      const models = scopeListChange(options.models, '--models');
      const endpointNames = scopeListChange(options.endpoints, '--endpoints');
      const endpoints = endpointNames ? endpointList(endpointNames, '--endpoints') : endpointNames;
      const requested = {
        requestsPerMinute: limitChange(options.rpm, '--rpm'),
        requestsPerHour: limitChange(options.rph, '--rph'),
        tokensPerMinute: limitChange(options.tpm, '--tpm'),
        concurrentRequests: limitChange(options.concurrency, '--concurrency'),
      };
      const hasLimitChanges = Object.values(requested).some((limit) => limit !== undefined);
      if (options.clearLimits && hasLimitChanges) throw new InvalidArgumentError('Give either --clear-limits or limits to set, not both.');
      const name = options.name?.trim();
      if (name !== undefined && (name.length === 0 || name.length > 100)) throw new InvalidArgumentError('--name must be 1 to 100 characters.');
      if (name === undefined && models === undefined && endpoints === undefined && !options.clearLimits && !hasLimitChanges) {
        throw new InvalidArgumentError('Nothing to change: give --name, --models, --endpoints, a limit or --clear-limits.');
      }
      // A field left undefined (a limit too) is left as it is.
      const changes = { name, models, endpoints, rateLimits: options.clearLimits ? null : hasLimitChanges ? requested : undefined };
      const key = toApiKeyBody(await withAdmin(({ apiKeys, owner }) => apiKeys.update(owner.id, keyId, changes, cliActor(owner.id))));
      print(key, options.json ?? false, () => `Updated ${key.id} (${key.name}).`);
    });
  keys
    .command('revoke <keyId>')
    .description('Revoke an API key.')
    .option('--json', 'print JSON')
    .action(async (keyId: string, options: { json?: boolean }) => {
      const key = toApiKeyBody(await withAdmin(({ apiKeys, owner }) => apiKeys.revoke(owner.id, keyId, cliActor(owner.id))));
      print(key, options.json ?? false, () => `Revoked ${key.id}.`);
    });
  keys
    .command('rotate <keyId>')
    .description('Replace an API key by a new secret; the old one stops working.')
    .option('--json', 'print JSON')
    .action(async (keyId: string, options: { json?: boolean }) => {
      const issued = await withAdmin(({ apiKeys, owner }) => apiKeys.rotate(owner.id, keyId, cliActor(owner.id)));
      const body = { ...toApiKeyBody(issued.apiKey), key: issued.secret };
      print(body, options.json ?? false, () => `Rotated ${keyId} into ${body.id}.\nKey (shown once): ${body.key}`);
    });

  const plans = program.command('plans').description('Manage plans and which users and organisations are on them (BIL-1).');
  plans
    .command('list')
    .description('List plans.')
    .option('--json', 'print JSON')
    .action(async (options: { json?: boolean }) => {
      const list = (await withAdmin(({ plans: service }) => service.list())).map(toPlanBody);
      print({ object: 'list', data: list }, options.json ?? false, () => list.map(describePlan).join('\n'));
    });
  plans
    .command('show <planId>')
    .description('Show a plan and the owners on it.')
    .option('--json', 'print JSON')
    .action(async (planId: string, options: { json?: boolean }) => {
      const { plan, assignments } = await withAdmin(async ({ plans: service }) => ({ plan: toPlanBody(await service.get(planId)), assignments: (await service.listAssignments(planId)).map(toPlanAssignmentBody) }));
      print({ ...plan, assignments }, options.json ?? false, () =>
        [describePlan(plan), `  owners: ${assignments.length === 0 ? 'none' : assignments.map((entry) => `${entry.owner_type} ${entry.owner_id} (${entry.billing_time_zone})`).join(', ')}`].join('\n'),
      );
    });
  plans
    .command('create')
    .description('Create a plan from a JSON file shaped like the body of POST /api/v1/admin/plans.')
    .requiredOption('--file <path>', 'the plan as JSON')
    .option('--json', 'print JSON')
    .action(async (options: { file: string; json?: boolean }) => {
      const definition = toPlanDefinition(await readPlanFile(options.file));
      const plan = toPlanBody(await withAdmin(({ plans: service, owner }) => service.create(definition, cliActor(owner.id))));
      print(plan, options.json ?? false, () => `Created plan ${plan.id}.\n${describePlan(plan)}`);
    });
  plans
    .command('assign <planId>')
    .description('Put a user or an organisation on a plan, replacing its current one.')
    .option('--user <userId>', 'the user to put on the plan')
    .option('--organization <organizationId>', 'the organisation to put on the plan')
    .option('--time-zone <zone>', 'IANA time zone in which quota months and years begin (default UTC)')
    .option('--json', 'print JSON')
    .action(async (planId: string, options: { user?: string; organization?: string; timeZone?: string; json?: boolean }) => {
      if ((options.user === undefined) === (options.organization === undefined)) throw new InvalidArgumentError('Give exactly one of --user or --organization.');
      const owner = options.user !== undefined ? { ownerType: 'user' as const, ownerId: options.user } : { ownerType: 'organization' as const, ownerId: options.organization! };
      const assignment = toPlanAssignmentBody(
        await withAdmin(({ plans: service, owner: instanceOwner }) =>
          service.assign({ owner, planId, ...(options.timeZone === undefined ? {} : { billingTimeZone: options.timeZone }) }, cliActor(instanceOwner.id)),
        ),
      );
      print(assignment, options.json ?? false, () => `Put ${assignment.owner_type} ${assignment.owner_id} on plan ${assignment.plan_id} (billing time zone ${assignment.billing_time_zone}).`);
    });

  const admin = program.command('admin').description('Staff accounts (ADM-6).');
  admin
    .command('create')
    .description('Create a staff account with a verified email; prints a single-use link to set its password (or reads one with --password-stdin).')
    .requiredOption('--email <email>', 'the staff member’s email address')
    .requiredOption('--role <role>', `one of ${staffRoleNames.join(', ')}`, parseStaffRole)
    .option('--name <name>', 'display name (default: the part of the email before @)')
    .option('--password-stdin', 'read the password from standard input instead of printing a link')
    .option('--json', 'print JSON')
    .action(async (options: { email: string; role: StaffRoleName; name?: string; passwordStdin?: boolean; json?: boolean }) => {
      const password = options.passwordStdin ? await readPasswordFromStdin() : null;
      const created = await withAdmin(async ({ staff, owner, publicUrl }) => {
        const result = await staff.createStaff({ email: options.email, role: options.role, displayName: options.name ?? null, password }, cliActor(owner.id));
        return { ...result, publicUrl };
      });
      const passwordSetUrl = created.passwordSetToken ? `${created.publicUrl.replace(/\/+$/, '')}/reset-password#token=${encodeURIComponent(created.passwordSetToken)}` : null;
      const body = { id: created.user.id, email: created.user.email, role: created.user.staffRole, password_set_url: passwordSetUrl };
      print(body, options.json ?? false, () =>
        [
          `Created ${body.role} ${body.email} (${body.id}).`,
          passwordSetUrl ? `Set the password with this link within 24 hours (it works once; treat it like a password):\n  ${passwordSetUrl}` : 'The password from standard input is set; sign in with it.',
        ].join('\n'),
      );
    });

  const outbox = program
    .command('outbox')
    .description('List the emails in <data dir>/outbox (where mail goes when no SMTP server is configured).')
    .option('--json', 'print JSON')
    .action(async (options: { json?: boolean }) => {
      const directory = outboxDirectory(configFrom());
      const entries = await listOutbox(directory);
      print({ object: 'list', directory, data: entries }, options.json ?? false, () =>
        entries.length === 0 ? `No messages in ${directory}.` : [...entries.map((entry) => `${entry.file}  ${entry.to}  ${entry.subject}`), '', 'Show one: charter outbox show FILE'].join('\n'),
      );
    });
  outbox
    .command('show <file>')
    .description('Print one email of the outbox, decoded (links whole, ready to open).')
    .option('--json', 'print JSON')
    .action(async (file: string, options: { json?: boolean }) => {
      const message = await readOutboxMessage(outboxDirectory(configFrom()), file);
      print(message, options.json ?? false, () => [`From: ${message.from}`, `To: ${message.to}`, `Date: ${message.date}`, `Subject: ${message.subject}`, '', message.text].join('\n'));
    });

  program
    .command('models')
    .description('List models: those configured here, or those a running server offers (--server).')
    .option('--server <url>', 'ask a running server (with CHARTER_API_KEY)')
    .option('--json', 'print JSON')
    .action(async (options: { server?: string; json?: boolean }) => {
      if (options.server) {
        const apiKey = process.env.CHARTER_API_KEY;
        if (!apiKey) throw new InvalidArgumentError('Set CHARTER_API_KEY to query a server.');
        const list = await new CharterClient({ baseUrl: options.server, apiKey }).models.list();
        print(list, options.json ?? false, () => list.data.map((model) => `${model.id}  context ${model.context_window}  ${model.status}`).join('\n') || (list.message ?? 'No models.'));
        return;
      }
      const config = configFrom();
      const configured = [
        ...config.embedded.models.map((model) => ({ name: model.name, engine: 'embedded', source: model.source })),
        ...config.upstreams.flatMap((upstream) => upstream.models.map((model) => ({ name: model.name, engine: upstream.id, source: upstream.baseUrl }))),
      ];
      print({ data: configured }, options.json ?? false, () =>
        configured.length === 0 ? 'No models configured. Set CHARTER_MODEL to a GGUF file path, hf: URI or https URL.' : configured.map((model) => `${model.name}  ${model.engine}  ${model.source}`).join('\n'),
      );
    });

  return program;
}

/** Run the command line; configuration and argument errors print readably and exit 1. */
export async function runCli(argv: string[]): Promise<void> {
  try {
    await createProgram().parseAsync(argv);
  } catch (error) {
    if (error instanceof ConfigError || error instanceof InvalidArgumentError) {
      process.stderr.write(`${error.message}\n`);
    } else {
      process.stderr.write(`charter: ${error instanceof Error ? error.message : String(error)}\n`);
    }
    process.exitCode = 1;
  }
}
