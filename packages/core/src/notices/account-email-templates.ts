import type { EmailMessage } from './mailer.js';

/** Escape text for an HTML email body. */
function escapeHtml(text: string): string {
  return text.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;').replaceAll('"', '&quot;');
}

/** A message with one paragraph per line and an optional call to action; the text part repeats the link. */
export function composeEmail(options: { to: string; subject: string; paragraphs: string[]; action?: { label: string; url: string } }): EmailMessage {
  const { to, subject, paragraphs, action } = options;
  const text = [...paragraphs, ...(action ? [`${action.label}: ${action.url}`] : []), '— Charter'].join('\n\n');
  const html = [
    '<!doctype html><html><body style="font-family:system-ui,sans-serif;line-height:1.5">',
    ...paragraphs.map((paragraph) => `<p>${escapeHtml(paragraph)}</p>`),
    action ? `<p><a href="${escapeHtml(action.url)}">${escapeHtml(action.label)}</a></p>` : '',
    '<p>— Charter</p></body></html>',
  ].join('');
  return { to, subject, text, html };
}
