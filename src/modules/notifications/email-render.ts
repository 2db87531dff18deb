import type { EmailContent, Severity } from './notification-email.entity';

/** Severity colours (GitHub's palette): the banner of the HTML part, and the text part's tag. */
export const SEVERITY_COLOURS: Readonly<Record<Severity, string>> = {
  info: '#0969da',
  success: '#1a7f37',
  warning: '#9a6700',
  critical: '#cf222e',
};

export interface RenderedEmail {
  readonly subject: string;
  readonly text: string;
  readonly html: string;
}

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** One line, no control characters (a subject or header value cannot be split by event data). */
function oneLine(text: string, max: number): string {
  // eslint-disable-next-line no-control-regex
  const clean = text.replace(/[\u0000-\u001f\u007f]+/g, ' ').trim();
  return clean.length > max ? `${clean.slice(0, max - 1)}…` : clean;
}

/**
 * The text and HTML parts of an e-mail. Everything from events (logins, messages) is escaped in
 * the HTML part; the severity colours the HTML banner and tags the subject and text part.
 */
export function renderEmail(
  content: EmailContent,
  severity: Severity,
  links: { readonly unsubscribeUrl: string },
): RenderedEmail {
  const tag = severity === 'info' ? '' : `[${severity.toUpperCase()}] `;
  const subject = oneLine(`${tag}${content.title}`, 150);
  const items = content.items ?? [];
  const text = [
    `${tag}${content.title}`,
    '',
    ...content.lines,
    ...(items.length
      ? ['', ...items.map((i) => `- [${i.severity.toUpperCase()}] ${i.title} (${i.at})`)]
      : []),
    ...(content.action ? ['', `${content.action.label}: ${content.action.url}`] : []),
    '',
    '--',
    `Unsubscribe: ${links.unsubscribeUrl}`,
    '',
  ].join('\n');
  const colour = SEVERITY_COLOURS[severity];
  const html = [
    '<!doctype html><html><body style="font-family:sans-serif;margin:0;padding:0">',
    `<div style="background:${colour};color:#ffffff;padding:12px 16px;font-size:18px" data-severity="${severity}">${escapeHtml(content.title)}</div>`,
    '<div style="padding:16px">',
    ...content.lines.map((line) => `<p>${escapeHtml(line)}</p>`),
    items.length
      ? `<ul>${items
          .map(
            (i) =>
              `<li><span style="color:${SEVERITY_COLOURS[i.severity]}">&#9679;</span> ${escapeHtml(i.title)} <small>${escapeHtml(i.at)}</small></li>`,
          )
          .join('')}</ul>`
      : '',
    content.action
      ? `<p><a href="${escapeHtml(content.action.url)}" style="background:${colour};color:#ffffff;padding:8px 12px;text-decoration:none">${escapeHtml(content.action.label)}</a></p>`
      : '',
    `<p style="color:#57606a;font-size:12px"><a href="${escapeHtml(links.unsubscribeUrl)}">Unsubscribe</a> from these e-mails.</p>`,
    '</div></body></html>',
  ].join('');
  return { subject, text, html };
}
