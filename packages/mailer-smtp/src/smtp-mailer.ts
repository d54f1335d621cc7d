import nodemailer, { type Transporter } from 'nodemailer';
import type { EmailMessage, Mailer } from '@charter/core';

export interface SmtpMailerOptions {
  /** `smtp://user:password@host:587` or `smtps://…:465`; STARTTLS is used when the server offers it. */
  url: string;
  /** The From header, e.g. `Charter <no-reply@example.com>`. */
  from: string;
  /** Refuse to send without TLS (recommended outside development). */
  requireTls?: boolean;
}

/** `Mailer` over SMTP through nodemailer, with a small pool of reused connections. */
export class SmtpMailer implements Mailer {
  readonly #transport: Transporter;
  readonly #from: string;

  constructor(options: SmtpMailerOptions) {
    const url = new URL(options.url);
    this.#transport = nodemailer.createTransport({
      host: url.hostname,
      port: url.port ? Number(url.port) : url.protocol === 'smtps:' ? 465 : 587,
      secure: url.protocol === 'smtps:',
      requireTLS: options.requireTls ?? false,
      auth: url.username ? { user: decodeURIComponent(url.username), pass: decodeURIComponent(url.password) } : undefined,
      pool: true,
      maxConnections: 2,
      connectionTimeout: 10_000,
      greetingTimeout: 10_000,
      socketTimeout: 30_000,
    });
    this.#from = options.from;
  }

  async send(message: EmailMessage): Promise<void> {
    await this.#transport.sendMail({ from: this.#from, to: message.to, subject: message.subject, text: message.text, html: message.html });
  }

  async close(): Promise<void> {
    this.#transport.close();
  }
}
