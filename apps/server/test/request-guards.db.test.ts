// The request guards and health probes through the whole app: load shedding, deadlines, the
// catalogued 503s with Retry-After, and readiness that follows the database.
import { afterEach, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from './test-app.ts';

let test: TestApp | undefined;
afterEach(async () => {
  await test?.close();
  test = undefined;
});

describe('request guards', () => {
  it('sheds requests beyond the in-flight limit at once, with 503 ERR_OVERLOADED and Retry-After, and counts them', async () => {
    let release!: () => void;
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    test = await createTestApp({
      env: { DINHDANH_MAX_IN_FLIGHT: '2' },
      routes: (app) =>
        app.get('/test/slow', async () => {
          await gate;
          return { ok: true };
        }),
    });
    const slow = [test.app.inject('/test/slow'), test.app.inject('/test/slow')];
    // Both slow requests in progress before the third arrives (a loaded machine may take a while).
    for (let i = 0; i < 100; i++) {
      if (/^dinhdanh_http_requests_in_flight 2$/m.test((await test.app.inject('/metrics')).body)) break;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    const shed = await test.app.inject('/test/slow');
    expect(shed.statusCode).toBe(503);
    expect(shed.headers['retry-after']).toBe('2');
    expect(shed.json()).toMatchObject({ code: 'ERR_OVERLOADED' });
    // Probes and scrapes are never shed: they matter most when the process is saturated.
    expect((await test.app.inject('/health/live')).statusCode).toBe(200);
    const metrics = (await test.app.inject('/metrics')).body;
    expect(metrics).toMatch(/^dinhdanh_http_max_in_flight 2$/m);
    expect(metrics).toMatch(/^dinhdanh_http_requests_shed_total 1$/m);
    expect(metrics).toMatch(/^dinhdanh_http_requests_in_flight 2$/m);
    release();
    expect((await Promise.all(slow)).map((response) => response.statusCode)).toEqual([200, 200]);
    // The slots are given back: the next request is served.
    expect((await test.app.inject('/test/slow')).statusCode).toBe(200);
  });

  it('answers a request past its deadline with 503 ERR_DEADLINE_EXCEEDED; reads and writes have their own deadlines', async () => {
    const wait = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
    // Margins wide enough for a loaded machine: the handlers take 1.5 s, a read's deadline is
    // 0.3 s, a write's 10 s.
    const slowly = async () => {
      await wait(1_500);
      return { ok: true };
    };
    test = await createTestApp({
      env: { DINHDANH_REQUEST_DEADLINE_MS: '300', DINHDANH_WRITE_DEADLINE_MS: '10000' },
      routes: (app) => {
        app.get('/test/read', slowly);
        app.post('/test/write', slowly);
        app.get('/test/unbounded', { config: { deadlineMs: 0 } }, slowly);
      },
    });
    const started = Date.now();
    const late = await test.app.inject('/test/read');
    expect(late.statusCode).toBe(503);
    // Answered by the deadline, well before the handler finished.
    expect(Date.now() - started).toBeLessThan(1_400);
    expect(late.headers['retry-after']).toBe('2');
    expect(late.json()).toMatchObject({ code: 'ERR_DEADLINE_EXCEEDED' });
    expect((await test.app.inject({ method: 'POST', url: '/test/write' })).statusCode).toBe(200);
    expect((await test.app.inject('/test/unbounded')).statusCode).toBe(200);
    expect((await test.app.inject('/metrics')).body).toMatch(
      /^dinhdanh_http_requests_deadline_exceeded_total 1$/m,
    );
  });

  it('reports liveness and readiness; readiness follows the database', async () => {
    test = await createTestApp();
    expect((await test.app.inject('/health/live')).json()).toEqual({ status: 'ok' });
    const ready = await test.app.inject('/health/ready');
    expect(ready.statusCode).toBe(200);
    expect(ready.json()).toMatchObject({ status: 'ok', checks: { database: 'ok' } });
    expect((await test.app.inject('/health')).statusCode).toBe(200);
    await test.database.close();
    const down = await test.app.inject('/health/ready');
    expect(down.statusCode).toBe(503);
    expect(down.json()).toMatchObject({ status: 'unavailable', checks: { database: 'unavailable' } });
    expect((await test.app.inject('/health/live')).statusCode).toBe(200);
  });
});
