import { DevelopmentSmsGateway, type IdentityContext } from '@dinhdanh/identity';
import type { FastifyInstance } from 'fastify';

const escapeHtml = (text: string) =>
  text.replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c,
  );

const timeFormat = new Intl.DateTimeFormat('vi-VN', {
  timeZone: 'Asia/Ho_Chi_Minh',
  day: '2-digit',
  month: '2-digit',
  year: 'numeric',
  hour: '2-digit',
  minute: '2-digit',
  second: '2-digit',
});

/**
 * Development only: `/dev/outbox`, the messages the development SMS gateway "sent", as a page a
 * person can read while trying the demo (newest first). It does not refresh itself — a timed
 * refresh takes the reader's place and focus away (WCAG 2.2.1) and the CSP allows no inline
 * script — so a plain link reloads it. The JSON form stays at /api/identity/v1/dev/outbox. Never
 * mounted in production: the outbox itself is refused there.
 */
export function devOutboxPage(app: FastifyInstance, identity: IdentityContext): void {
  if (!identity.devOutbox || !(identity.sms instanceof DevelopmentSmsGateway)) return;
  const sms = identity.sms;
  app.get('/dev/outbox', { schema: { hide: true } }, async (_request, reply) => {
    const messages = (await sms.list(20)).reverse();
    const rows = messages
      .map(
        (message) =>
          `<tr><td>${escapeHtml(timeFormat.format(new Date(message.sentAt)))}</td><td>${escapeHtml(message.to)}</td><td>${escapeHtml(message.text)}</td></tr>`,
      )
      .join('');
    return reply
      .type('text/html; charset=utf-8')
      .header('cache-control', 'no-store')
      .send(`<!doctype html>
<html lang="vi"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Hộp thư SMS thử nghiệm — dinhdanh</title>
<style>body{font-family:system-ui,sans-serif;margin:1rem;max-width:60rem}table{border-collapse:collapse;width:100%}
td,th{border-bottom:1px solid #ddd;padding:.5rem;text-align:left;vertical-align:top}th{background:#f4f4f4}
.note{background:#fff4d6;border-left:4px solid #d99a00;padding:.5rem 1rem}</style></head>
<body><main><h1>Hộp thư SMS thử nghiệm <small lang="en">/ development SMS outbox</small></h1>
<p class="note">Chỉ có ở chế độ phát triển: tin nhắn không được gửi đi mà được ghi lại ở đây.
<span lang="en">Development mode only: messages are not sent but kept here.</span></p>
<p><a href="/dev/outbox" data-testid="dev-outbox-refresh">Làm mới <span lang="en">/ Refresh</span></a></p>
${
  messages.length === 0
    ? '<p>Chưa có tin nhắn nào. <span lang="en">No messages yet.</span></p>'
    : `<table><thead><tr><th>Thời gian / time</th><th>Số điện thoại / to</th><th>Nội dung / text</th></tr></thead><tbody>${rows}</tbody></table>`
}
</main></body></html>`);
  });
}
