import { mkdir, readdir, readFile, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import nodemailer, { type Transporter } from 'nodemailer';
import type { EmailMessage, Mailer } from '@charter/core';

/** One message in the outbox, as `charter outbox` lists it. */
export interface OutboxEntry {
  file: string;
  to: string;
  subject: string;
  date: string;
}

/**
 * `Mailer` for development: every message is written as an RFC 822 `.eml` file into a local directory
 * (`<data dir>/outbox`), where `charter outbox` lists and prints them and any mail client opens them.
 */
export class OutboxMailer implements Mailer {
  readonly #directory: string;
  readonly #from: string;
  readonly #transport: Transporter;

  constructor(options: { directory: string; from: string }) {
    this.#directory = options.directory;
    this.#from = options.from;
    this.#transport = nodemailer.createTransport({ streamTransport: true, buffer: true, newline: 'unix' });
  }

  async send(message: EmailMessage): Promise<void> {
    const info = await this.#transport.sendMail({ from: this.#from, to: message.to, subject: message.subject, text: message.text, html: message.html });
    await mkdir(this.#directory, { recursive: true, mode: 0o700 });
    const name = `${new Date().toISOString().replaceAll(':', '-')}-${Math.random().toString(36).slice(2, 8)}.eml`;
    // Written under a temporary name and renamed, so a reader never sees half a message.
    const temporary = path.join(this.#directory, `.${name}.tmp`);
    await writeFile(temporary, info.message as Buffer, { mode: 0o600 });
    await rename(temporary, path.join(this.#directory, name));
  }
}

/** The messages in an outbox directory, oldest first. */
export async function listOutbox(directory: string): Promise<OutboxEntry[]> {
  let files: string[];
  try {
    files = (await readdir(directory)).filter((file) => file.endsWith('.eml')).sort();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
  const entries: OutboxEntry[] = [];
  for (const file of files) {
    const head = (await readFile(path.join(directory, file), 'utf8')).split('\n\n', 1)[0] ?? '';
    const header = (name: string) => new RegExp(`^${name}: (.*)$`, 'mi').exec(head)?.[1]?.trim() ?? '';
    entries.push({ file, to: header('To'), subject: decodeMimeWords(header('Subject')), date: header('Date') });
  }
  return entries;
}

/** Decode RFC 2047 encoded words (`=?UTF-8?Q?…?=`, `=?UTF-8?B?…?=`) in a header value. */
function decodeMimeWords(value: string): string {
  return value.replace(/=\?([^?]+)\?([QqBb])\?([^?]*)\?=\s*/g, (_, _charset: string, encoding: string, text: string) =>
    encoding.toUpperCase() === 'B'
      ? Buffer.from(text, 'base64').toString('utf8')
      : Buffer.from(text.replaceAll('_', ' ').replace(/=([0-9A-F]{2})/gi, (_match, hex: string) => String.fromCharCode(parseInt(hex, 16))), 'latin1').toString('utf8'),
  );
}
