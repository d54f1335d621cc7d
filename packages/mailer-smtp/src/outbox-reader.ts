import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { simpleParser } from 'mailparser';

/** One development email, decoded for reading in a terminal (links whole, not quoted-printable). */
export interface OutboxMessage {
  file: string;
  from: string;
  to: string;
  subject: string;
  date: string;
  text: string;
}

/**
 * Read one message of the outbox by its file name (as `charter outbox` lists it). Only names inside the
 * directory are accepted, so the command cannot be used to print other files.
 */
export async function readOutboxMessage(directory: string, file: string): Promise<OutboxMessage> {
  if (path.basename(file) !== file || !file.endsWith('.eml')) throw new Error(`${file}: give the name of a message in the outbox (a .eml file, as "charter outbox" lists it).`);
  let raw: Buffer;
  try {
    raw = await readFile(path.join(directory, file));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') throw new Error(`${file}: no such message in ${directory}.`);
    throw error;
  }
  const parsed = await simpleParser(raw);
  const addresses = (value: typeof parsed.to) => (Array.isArray(value) ? value.map((entry) => entry.text).join(', ') : (value?.text ?? ''));
  return { file, from: parsed.from?.text ?? '', to: addresses(parsed.to), subject: parsed.subject ?? '', date: parsed.date?.toISOString() ?? '', text: (parsed.text ?? '').trim() };
}
