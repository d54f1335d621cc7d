/** The database url is missing, malformed or names an unsupported database. */
export class DatabaseUrlError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DatabaseUrlError';
  }
}

/** The database could not be reached or opened at start. */
export class DatabaseConnectionError extends Error {
  constructor(message: string, options: { cause?: unknown } = {}) {
    super(message, { cause: options.cause });
    this.name = 'DatabaseConnectionError';
  }
}

/** A schema migration failed; the run was rolled back. */
export class MigrationError extends Error {
  /** The migration that failed, when the failure happened inside one. */
  readonly migrationName: string | undefined;

  constructor(message: string, options: { migrationName?: string; cause?: unknown } = {}) {
    super(message, { cause: options.cause });
    this.name = 'MigrationError';
    this.migrationName = options.migrationName;
  }
}
