import { mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import BetterSqlite3 from 'better-sqlite3';
import { Kysely, PostgresDialect, SqliteDialect, sql } from 'kysely';
import pg from 'pg';
import type { DatabaseSchema } from './database-schema.js';
import { describeError } from './error-details.js';
import { DatabaseConnectionError, DatabaseUrlError } from './storage-errors.js';

export type DatabaseDialect = 'sqlite' | 'postgres';

export interface OpenDatabaseOptions {
  /** A SQLite file path, `file:` URL or `:memory:`; or a `postgres://` / `postgresql://` connection string. */
  url: string;
  /** PostgreSQL pool size (default 10). Ignored for SQLite, which uses one connection. */
  maxConnections?: number;
  /** Errors of idle pooled PostgreSQL connections (e.g. the server restarted); they are otherwise dropped. */
  onPoolError?: (error: Error) => void;
}

/** An open database: the query builder, its dialect, and how to close it. */
export interface Database {
  db: Kysely<DatabaseSchema>;
  dialect: DatabaseDialect;
  /** The SQLite file, for a second connection on another thread; absent for PostgreSQL and `:memory:`. */
  filename?: string;
  close(): Promise<void>;
}

export type DatabaseLocation =
  | { dialect: 'postgres'; connectionString: string }
  | { dialect: 'sqlite'; filename: string };

const sqliteBusyTimeoutMs = 5_000;
const postgresConnectionTimeoutMs = 10_000;

/**
 * Opens the database named by `url`. For PostgreSQL it checks the server answers, so a wrong url fails at
 * start with a clear message rather than on the first request.
 */
export async function openDatabase(options: OpenDatabaseOptions): Promise<Database> {
  const location = parseDatabaseUrl(options.url);
  return location.dialect === 'sqlite' ? openSqlite(location.filename) : openPostgres(location.connectionString, options);
}

/** Decides the dialect and location from a database url; throws `DatabaseUrlError` for anything else. */
export function parseDatabaseUrl(url: string): DatabaseLocation {
  const trimmed = url.trim();
  if (trimmed === '') {
    throw new DatabaseUrlError('The database url is empty. Use a SQLite file path, `:memory:` or a postgres:// url.');
  }
  if (/^postgres(ql)?:\/\//i.test(trimmed)) {
    return { dialect: 'postgres', connectionString: trimmed };
  }
  if (trimmed === ':memory:' || trimmed === 'file::memory:' || trimmed.startsWith('file::memory:?')) {
    return { dialect: 'sqlite', filename: ':memory:' };
  }
  if (/^file:\/\//i.test(trimmed)) {
    try {
      return { dialect: 'sqlite', filename: fileURLToPath(new URL(trimmed)) };
    } catch (error) {
      throw new DatabaseUrlError(`The database url \`${trimmed}\` is not a valid file: URL (${describeError(error)}).`);
    }
  }
  if (/^file:/i.test(trimmed)) {
    // `file:relative/path.db` is common in configs though not a valid URL; query options are not supported.
    const path = trimmed.slice('file:'.length).split('?')[0] ?? '';
    if (path === '') {
      throw new DatabaseUrlError(`The database url \`${trimmed}\` names no file.`);
    }
    return { dialect: 'sqlite', filename: resolve(path) };
  }
  const scheme = /^([a-z][a-z0-9+.-]*):\/\//i.exec(trimmed);
  if (scheme) {
    throw new DatabaseUrlError(
      `The database url scheme \`${scheme[1]}:\` is not supported. Use a SQLite file path, \`:memory:\` or a postgres:// url.`,
    );
  }
  return { dialect: 'sqlite', filename: resolve(trimmed) };
}

/** The url with its password hidden, for messages and logs. */
export function redactDatabaseUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password !== '') {
      parsed.password = '***';
    }
    return parsed.toString();
  } catch {
    return url.replace(/\/\/([^:/@]+):[^@]*@/, '//$1:***@');
  }
}

/**
 * A bare better-sqlite3 connection with Charter's settings, for code that needs its synchronous API (the usage
 * writer thread's prepared statement); everything else goes through `openDatabase`.
 */
export function openSqliteConnection(filename: string): BetterSqlite3.Database {
  try {
    if (filename !== ':memory:') {
      mkdirSync(dirname(filename), { recursive: true });
    }
    const connection = new BetterSqlite3(filename);
    // WAL lets readers run beside the single writer; NORMAL is durable enough under WAL and much faster.
    connection.pragma('journal_mode = WAL');
    connection.pragma('synchronous = NORMAL');
    // Another process (a CLI command beside the server) may hold the write lock briefly; wait, do not fail.
    connection.pragma(`busy_timeout = ${sqliteBusyTimeoutMs}`);
    connection.pragma('foreign_keys = ON');
    return connection;
  } catch (error) {
    throw new DatabaseConnectionError(`Cannot open the SQLite database at ${filename}: ${describeError(error)}`, { cause: error });
  }
}

function openSqlite(filename: string): Database {
  const connection = openSqliteConnection(filename);
  const db = new Kysely<DatabaseSchema>({ dialect: new SqliteDialect({ database: connection }) });
  return { db, dialect: 'sqlite', ...(filename === ':memory:' ? {} : { filename }), close: () => db.destroy() };
}

async function openPostgres(connectionString: string, options: OpenDatabaseOptions): Promise<Database> {
  const pool = new pg.Pool({
    connectionString,
    max: options.maxConnections ?? 10,
    connectionTimeoutMillis: postgresConnectionTimeoutMs,
    types: postgresTypes(),
  });
  // Without a listener an idle connection's error (server restart, network blip) would crash the process;
  // the pool already discards that connection and opens a new one on demand.
  pool.on('error', (error) => options.onPoolError?.(error));
  const db = new Kysely<DatabaseSchema>({ dialect: new PostgresDialect({ pool }) });
  try {
    await sql`select 1`.execute(db);
  } catch (error) {
    await db.destroy();
    throw new DatabaseConnectionError(
      `Cannot connect to PostgreSQL at ${redactDatabaseUrl(connectionString)}: ${describeError(error)}`,
      { cause: error },
    );
  }
  return { db, dialect: 'postgres', close: () => db.destroy() };
}

/**
 * Per-pool type parsers: int8 (our epoch-millisecond columns, `count(*)`) as numbers like SQLite gives
 * them. Set on this pool only, so other pg users in the process keep pg's defaults.
 */
function postgresTypes(): pg.CustomTypesConfig {
  const types = new pg.TypeOverrides();
  types.setTypeParser(pg.types.builtins.INT8, parseInt8);
  return types;
}

function parseInt8(value: string): number {
  const parsed = Number(value);
  if (!Number.isSafeInteger(parsed)) {
    // Failing loudly beats silently rounding an id or an amount.
    throw new RangeError(`The int8 value ${value} does not fit in a JavaScript number.`);
  }
  return parsed;
}
