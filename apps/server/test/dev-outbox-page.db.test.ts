// The URL `npm start` prints for one-time codes opens a page a person can read.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from './test-app.ts';

let test: TestApp;
beforeAll(async () => {
  test = await createTestApp();
});
afterAll(async () => test?.close());

describe('/dev/outbox (development)', () => {
  it('shows the messages the development gateway kept, newest first, escaped, with a link to refresh', async () => {
    expect((await test.app.inject('/dev/outbox')).body).toContain('Chưa có tin nhắn nào');
    await test.identity.sms.send({
      to: '0912345678',
      text: 'Mã xác thực: 111111',
      sentAt: new Date('2026-12-07T01:00:00Z'),
    });
    await test.identity.sms.send({
      to: '0912345678',
      text: 'Mã xác thực: 222222 <b>',
      sentAt: new Date('2026-12-07T01:01:00Z'),
    });
    const page = await test.app.inject('/dev/outbox');
    expect(page.statusCode).toBe(200);
    expect(page.headers['content-type']).toMatch(/^text\/html/);
    expect(page.headers['cache-control']).toBe('no-store');
    expect(page.body).toContain('Hộp thư SMS thử nghiệm');
    // No timed refresh (WCAG 2.2.1); a link reloads the page instead.
    expect(page.body).not.toMatch(/http-equiv="refresh"/i);
    expect(page.body).not.toContain('tự làm mới sau 5 giây');
    expect(page.body).toMatch(/<a href="\/dev\/outbox"[^>]*>Làm mới <span lang="en">\/ Refresh<\/span><\/a>/);
    expect(page.body).toContain('222222 &lt;b&gt;');
    expect(page.body.indexOf('222222')).toBeLessThan(page.body.indexOf('111111'));
  });
});
