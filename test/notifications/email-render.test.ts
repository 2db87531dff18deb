import { describe, expect, it } from 'vitest';
import { renderEmail, SEVERITY_COLOURS } from '../../src/modules/notifications/email-render';
import { buildRawMessage } from '../../src/modules/notifications/raw-message';

const links = { unsubscribeUrl: 'https://insights.test/notifications/unsubscribe?token=a.b' };

describe('notification e-mail rendering', () => {
  it('escapes event data in the HTML part and keeps it verbatim in the text part', () => {
    const hostile = '<script>alert("x")</script> & \'quotes\'';
    const email = renderEmail(
      {
        title: `Harvest of ${hostile}`,
        lines: [`Failed: ${hostile}`],
        action: { label: 'Open "settings"', url: 'https://insights.test/x?a=1&b=<2>' },
        items: [{ title: hostile, severity: 'critical', at: '2026-12-05T00:00:00.000Z' }],
      },
      'warning',
      links,
    );
    expect(email.html).not.toContain('<script>');
    expect(email.html).toContain(
      '&#60;script&#62;alert(&#34;x&#34;)&#60;/script&#62; &#38; &#39;quotes&#39;',
    );
    expect(email.html).toContain('href="https://insights.test/x?a=1&#38;b=&#60;2&#62;"');
    expect(email.text).toContain(`Failed: ${hostile}`);
    expect(email.text).toContain('Open "settings": https://insights.test/x?a=1&b=<2>');
    expect(email.text).toContain(`- [CRITICAL] ${hostile} (2026-12-05T00:00:00.000Z)`);
    expect(email.text).toContain(`Unsubscribe: ${links.unsubscribeUrl}`);
    expect(email.html).toContain(`href="${links.unsubscribeUrl}"`);
  });

  it('colours the banner by severity and tags subject and text', () => {
    for (const severity of ['info', 'success', 'warning', 'critical'] as const) {
      const email = renderEmail({ title: 'T', lines: [] }, severity, links);
      expect(email.html).toContain(`background:${SEVERITY_COLOURS[severity]}`);
      expect(email.html).toContain(`data-severity="${severity}"`);
      const tag = severity === 'info' ? '' : `[${severity.toUpperCase()}] `;
      expect(email.subject).toBe(`${tag}T`);
      expect(email.text.startsWith(`${tag}T\n`)).toBe(true);
    }
    expect(new Set(Object.values(SEVERITY_COLOURS)).size).toBe(4);
  });

  it('keeps subjects on one line (event data cannot add headers)', () => {
    const email = renderEmail({ title: 'a\r\nBcc: victim@example.test', lines: [] }, 'info', links);
    expect(email.subject).toBe('a Bcc: victim@example.test');
    const raw = buildRawMessage(email, { from: 'n@insights.test', to: 'r@example.test', headers: {} });
    expect(raw).not.toMatch(/^Bcc:/m);
  });

  it('builds a multipart/alternative message with both parts, UTF-8 subjects and our headers', () => {
    const email = renderEmail({ title: 'Grüße 🎉', lines: ['Ünïcode'] }, 'success', links);
    const raw = buildRawMessage(email, {
      from: 'n@insights.test',
      fromName: 'Insights',
      to: 'r@example.test',
      replyTo: 'help@insights.test',
      headers: {
        'List-Unsubscribe': `<${links.unsubscribeUrl}>`,
        'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click',
      },
    });
    const [head] = raw.split('\r\n\r\n', 2) as [string, string];
    expect(head).toContain('From: Insights <n@insights.test>');
    expect(head).toContain(`Subject: =?UTF-8?B?${Buffer.from('[SUCCESS] Grüße 🎉').toString('base64')}?=`);
    expect(head).toContain('List-Unsubscribe-Post: List-Unsubscribe=One-Click');
    const boundary = /boundary="([^"]+)"/.exec(head)![1]!;
    const parts = raw.split(`--${boundary}`).slice(1, -1);
    expect(parts).toHaveLength(2);
    const decoded = parts.map((p) =>
      Buffer.from(p.split('\r\n\r\n')[1]!.replace(/\r\n/g, ''), 'base64').toString('utf8'),
    );
    expect(parts[0]).toContain('Content-Type: text/plain; charset=UTF-8');
    expect(decoded[0]).toBe(email.text);
    expect(parts[1]).toContain('Content-Type: text/html; charset=UTF-8');
    expect(decoded[1]).toBe(email.html);
    expect(raw.endsWith(`--${boundary}--\r\n`)).toBe(true);
  });
});
