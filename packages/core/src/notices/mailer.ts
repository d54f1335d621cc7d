/** One email as the service composes it. */
export interface EmailMessage {
  to: string;
  subject: string;
  /** Plain-text body (always sent). */
  text: string;
  /** HTML body, when there is one. */
  html?: string;
}

/** Port: sends email (SMTP in production, a local outbox in development). Rejects when delivery fails. */
export interface Mailer {
  send(message: EmailMessage): Promise<void>;
  close?(): Promise<void>;
}
