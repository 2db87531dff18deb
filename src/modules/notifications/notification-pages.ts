import type { ModuleRoute, RouteResponse } from '../../core/module';
import type { EntityManager } from '@mikro-orm/postgresql';
import { escapeHtml } from './email-render';
import type { NotificationSettingsService } from './notification-settings.service';

function page(title: string, body: string): RouteResponse {
  return {
    status: 200,
    headers: { 'content-type': 'text/html; charset=utf-8' },
    body: `<!doctype html><html><head><meta charset="utf-8"><title>${escapeHtml(title)}</title></head><body><h1>${escapeHtml(title)}</h1>${body}</body></html>`,
  };
}

/**
 * The pages e-mail links open. `GET /notifications/verify?token=` confirms the address (the
 * token is the settings token). `GET /notifications/unsubscribe?token=` shows a button (a GET
 * never unsubscribes: mail scanners follow links); `POST` to the same URL unsubscribes, whether
 * from that button or as RFC 8058 one-click (`List-Unsubscribe=One-Click`, sent by mail clients).
 */
export function notificationPages(
  settings: NotificationSettingsService,
  fork: () => EntityManager,
): ModuleRoute[] {
  return [
    {
      method: 'GET',
      url: '/notifications/verify',
      async handle({ query }) {
        const recipient = await settings.byToken(fork(), query.token ?? '');
        return page(
          'Address confirmed',
          `<p>Notifications for ${escapeHtml(recipient.email)} are confirmed.</p>` +
            '<p>Keep this link: its token reads and changes your settings (<code>notificationSettings</code>, <code>updateNotificationSettings</code>).</p>',
        );
      },
    },
    {
      method: 'GET',
      url: '/notifications/unsubscribe',
      async handle({ query }) {
        const token = query.token ?? '';
        return page(
          'Unsubscribe',
          `<form method="post" action="/notifications/unsubscribe?token=${encodeURIComponent(token)}">` +
            '<input type="hidden" name="confirm" value="1"><button type="submit">Unsubscribe from all notification e-mails</button></form>',
        );
      },
    },
    {
      method: 'POST',
      url: '/notifications/unsubscribe',
      async handle({ query }) {
        const recipient = await settings.unsubscribe(fork(), query.token ?? '');
        return page('Unsubscribed', `<p>Nothing more is sent to ${escapeHtml(recipient.email)}.</p>`);
      },
    },
  ];
}
