import { Writable } from 'node:stream';
import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { type Parley, startParley } from '../../src/server/app.js';
import { testConfig } from '../helpers/server.js';

let parley: Parley | undefined;
afterEach(async () => {
  await parley?.close();
  parley = undefined;
});

/** A real node whose JSON log lines are collected, at the given level, as `npm start` writes them. */
async function startWithCapturedLogs(level: 'info' | 'debug') {
  const lines: Array<Record<string, unknown>> = [];
  const sink = new Writable({
    write(chunk, _encoding, done) {
      for (const line of String(chunk).split('\n').filter(Boolean)) lines.push(JSON.parse(line));
      done();
    },
  });
  parley = await startParley({ config: testConfig({ logLevel: level }), logger: pino({ level }, sink) });
  return { url: parley.url, lines };
}

const isPerRequestLine = (line: Record<string, unknown>) =>
  line.msg === 'incoming request' || line.msg === 'request completed';

describe('per-request logs', () => {
  it('are not written at info, the level `npm start` runs at', async () => {
    const { url, lines } = await startWithCapturedLogs('info');
    expect((await fetch(`${url}/healthz`)).status).toBe(200);
    expect((await fetch(`${url}/api/rooms`)).status).toBe(401);
    // The start-up line shows the logger is captured at all.
    await expect.poll(() => lines.some((line) => line.msg === 'parley is listening')).toBe(true);
    expect(lines.filter(isPerRequestLine)).toEqual([]);
  });

  it('are written at debug: the request coming in and its completion with status and time', async () => {
    const { url, lines } = await startWithCapturedLogs('debug');
    expect((await fetch(`${url}/healthz`)).status).toBe(200);
    const completed = () => lines.find((line) => line.msg === 'request completed');
    await expect.poll(completed).toBeTruthy();
    expect(completed()!.level).toBe(pino.levels.values.debug);
    expect(completed()).toMatchObject({ res: { statusCode: 200 } });
    expect(typeof completed()!.responseTime).toBe('number');
    const incoming = lines.find((line) => line.msg === 'incoming request');
    expect(incoming).toMatchObject({
      level: pino.levels.values.debug,
      req: { method: 'GET', url: '/healthz' },
    });
  });

  it("leave the server's own warnings at their level when info is the level", async () => {
    const { url, lines } = await startWithCapturedLogs('info');
    // /readyz logs its refusal at warn; stopping the database makes it refuse.
    await parley!.database.close();
    expect((await fetch(`${url}/readyz`)).status).toBe(503);
    await expect.poll(() => lines.some((line) => line.msg === 'not ready')).toBe(true);
    expect(lines.find((line) => line.msg === 'not ready')!.level).toBe(pino.levels.values.warn);
  });
});
