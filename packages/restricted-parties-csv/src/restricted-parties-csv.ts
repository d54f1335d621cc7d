import { readFileSync } from 'node:fs';
import { ListedPartyScreen, type RestrictedParty } from '@charter/core';
import { CsvError, parse } from 'csv-parse/sync';

/** The list cannot be used (missing, malformed, or without a `name` column); the message names file and line. */
export class RestrictedPartyListError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'RestrictedPartyListError';
  }
}

const optionalColumns = ['type', 'country', 'source'];

/**
 * Parse an operator's restricted-party list: CSV with a header row naming at least `name`, optionally `type`,
 * `country` and `source` (other columns are ignored, so exports of official lists work after renaming one
 * column). UTF-8, with or without a byte-order mark; blank lines skipped. Every malformed row is an error:
 * a silently skipped row would be a listed party let through.
 */
export function parseRestrictedPartiesCsv(text: string, source = 'restricted-party list'): RestrictedParty[] {
  let records: string[][];
  try {
    // Strict column counts: a row with a stray comma is an error, not a shifted name.
    records = parse(text, { bom: true, skip_empty_lines: true, trim: true }) as string[][];
  } catch (error) {
    const where = error instanceof CsvError && error.lines !== undefined ? ` (line ${error.lines})` : '';
    throw new RestrictedPartyListError(`${source}: not valid CSV${where}: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
  }
  const header = (records[0] ?? []).map((column) => column.toLowerCase());
  const columnIndex = (name: string) => header.indexOf(name);
  if (columnIndex('name') < 0) {
    throw new RestrictedPartyListError(`${source}: the first row must be a header naming a "name" column (and optionally ${optionalColumns.join(', ')})`);
  }
  const cell = (record: string[], name: string) => (columnIndex(name) < 0 ? '' : (record[columnIndex(name)] ?? ''));
  return records.slice(1).map((record, index) => {
    const name = cell(record, 'name');
    // Line numbers count the header as line 1 (blank lines aside).
    if (name.length === 0) throw new RestrictedPartyListError(`${source}: row ${index + 2} has no name`);
    const country = cell(record, 'country').toUpperCase();
    return { name, type: cell(record, 'type') || null, country: country || null, source: cell(record, 'source') || null };
  });
}

/** Load the list from a file into core's screen; throws `RestrictedPartyListError` with the reason. */
export function loadRestrictedPartiesCsv(path: string): ListedPartyScreen {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new RestrictedPartyListError(code === 'ENOENT' ? `${path}: file not found` : `${path}: cannot be read (${code ?? String(error)})`, { cause: error });
  }
  return new ListedPartyScreen(parseRestrictedPartiesCsv(text, path));
}
