import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { buildRobotSimApp } from './app.ts';
import type { Robot } from './robots.ts';

const ROBOTS: Robot[] = [
  { name: 'ding', type: 'dingtalk', token: 'tok', secret: 'SECsecret', keywords: ['告警'] },
  { name: 'ding-plain', type: 'dingtalk', token: 'plain' },
  { name: 'wx', type: 'wecom', token: 'key-1' },
  { name: 'fs', type: 'feishu', token: 'hook-1', secret: 'fs-secret', keywords: ['wdt'] },
  { name: 'sl', type: 'slack', token: 'T1/B1/x' },
  { name: 'hook', type: 'webhook', token: 'in', secret: 'hook-secret' },
];

function sim(start = 1_700_000_000_000) {
  const clock = { now: start };
  const app = buildRobotSimApp({ robots: ROBOTS, now: () => clock.now });
  return { app, clock };
}

const dingSign = (secret: string, ts: number): string =>
  encodeURIComponent(createHmac('sha256', secret).update(`${ts}\n${secret}`).digest('base64'));
const markdown = (text: string) => ({ msgtype: 'markdown', markdown: { title: '告警', text } });

async function ding(
  app: ReturnType<typeof sim>['app'],
  ts: number,
  body: unknown,
  sign = dingSign('SECsecret', ts),
) {
  const response = await app.inject({
    method: 'POST',
    url: `/robot/send?access_token=tok&timestamp=${ts}&sign=${sign}`,
    headers: { 'content-type': 'application/json' },
    payload: JSON.stringify(body),
  });
  return { status: response.statusCode, body: response.json() as { errcode: number; errmsg: string } };
}

describe('robot-sim: DingTalk', () => {
  it('accepts a signed message with a keyword and records it', async () => {
    const { app, clock } = sim();
    expect((await ding(app, clock.now, markdown('37 张订单'))).body).toEqual({ errcode: 0, errmsg: 'ok' });
    const [message] = app.inbox.list({ robot: 'ding' });
    expect(message).toMatchObject({ accepted: true, reason: 'ok', text: '告警\n37 张订单' });
  });

  it('refuses a wrong secret, a stale timestamp, a missing keyword, a bad shape, an unknown token — as DingTalk does', async () => {
    const { app, clock } = sim();
    expect((await ding(app, clock.now, markdown('x'), dingSign('SECwrong', clock.now))).body).toEqual({
      errcode: 310000,
      errmsg: 'sign not match',
    });
    const stale = clock.now - 3_600_001;
    expect((await ding(app, stale, markdown('x'), dingSign('SECsecret', stale))).body.errmsg).toBe(
      'invalid timestamp',
    );
    const noKeyword = { msgtype: 'markdown', markdown: { title: 'hello', text: 'world' } };
    expect((await ding(app, clock.now, noKeyword)).body).toEqual({
      errcode: 310000,
      errmsg: 'keywords not in content',
    });
    expect(
      (await ding(app, clock.now, { msgtype: 'markdown', markdown: { title: '告警' } })).body.errcode,
    ).toBe(40035);
    expect((await ding(app, clock.now, markdown('x'.repeat(21_000)))).body.errcode).toBe(460101);
    const unknown = await app.inject({
      method: 'POST',
      url: '/robot/send?access_token=nope',
      headers: { 'content-type': 'application/json' },
      payload: JSON.stringify(markdown('告警')),
    });
    expect(unknown.json()).toEqual({ errcode: 300001, errmsg: 'token is not exist' });
    expect(app.inbox.list({ accepted: true })).toEqual([]);
  });

  it('allows 20 a minute; the 21st mutes the robot for 10 minutes', async () => {
    const { app, clock } = sim();
    for (let i = 0; i < 20; i += 1) {
      clock.now += 1_000;
      expect((await ding(app, clock.now, markdown(`#${i}`))).body.errcode).toBe(0);
    }
    clock.now += 1_000;
    expect((await ding(app, clock.now, markdown('21'))).body.errcode).toBe(410100);
    clock.now += 2 * 60_000;
    expect((await ding(app, clock.now, markdown('muted'))).body.errcode).toBe(410100);
    clock.now += 9 * 60_000;
    expect((await ding(app, clock.now, markdown('again'))).body.errcode).toBe(0);
  });
});

describe('robot-sim: the other vendors', () => {
  it('WeCom: markdown up to 4,096 bytes, 20 a minute, the key is the credential', async () => {
    const { app } = sim();
    const send = async (key: string, content: string) =>
      (
        await app.inject({
          method: 'POST',
          url: `/cgi-bin/webhook/send?key=${key}`,
          headers: { 'content-type': 'application/json' },
          payload: JSON.stringify({ msgtype: 'markdown', markdown: { content } }),
        })
      ).json() as { errcode: number };
    expect((await send('key-1', '告警')).errcode).toBe(0);
    expect((await send('key-2', '告警')).errcode).toBe(93000);
    expect((await send('key-1', '长'.repeat(1_400))).errcode).toBe(40058);
    for (let i = 0; i < 19; i += 1) expect((await send('key-1', `#${i}`)).errcode).toBe(0);
    expect((await send('key-1', 'over')).errcode).toBe(45009);
  });

  it('Feishu: sign in the body with a seconds timestamp, keywords, card shape', async () => {
    const { app, clock } = sim();
    const seconds = Math.floor(clock.now / 1000);
    const sign = (secret: string, ts: number) =>
      createHmac('sha256', `${ts}\n${secret}`).update('').digest('base64');
    const card = {
      header: { title: { tag: 'plain_text', content: 'wdt 告警' } },
      elements: [{ tag: 'div' }],
    };
    const send = async (body: unknown) =>
      (
        await app.inject({
          method: 'POST',
          url: '/open-apis/bot/v2/hook/hook-1',
          headers: { 'content-type': 'application/json' },
          payload: JSON.stringify(body),
        })
      ).json() as { code: number; msg: string };
    const ok = {
      timestamp: String(seconds),
      sign: sign('fs-secret', seconds),
      msg_type: 'interactive',
      card,
    };
    expect(await send(ok)).toEqual({ code: 0, data: {}, msg: 'success' });
    expect((await send({ ...ok, sign: sign('other', seconds) })).code).toBe(19021);
    expect(
      (await send({ ...ok, timestamp: String(seconds - 3_601), sign: sign('fs-secret', seconds - 3_601) }))
        .code,
    ).toBe(19021);
    const noKeyword = { ...ok, card: { ...card, header: { title: { tag: 'plain_text', content: 'hi' } } } };
    expect((await send(noKeyword)).code).toBe(19024);
    expect((await send({ ...ok, msg_type: 'interactive', card: {} })).code).toBe(9499);
  });

  it('Slack: ok, or 429 with Retry-After above one a second', async () => {
    const { app } = sim();
    const send = () =>
      app.inject({
        method: 'POST',
        url: '/services/T1/B1/x',
        headers: { 'content-type': 'application/json' },
        payload: '{"text":"hi"}',
      });
    expect((await send()).body).toBe('ok');
    const limited = await send();
    expect([limited.statusCode, limited.body, limited.headers['retry-after']]).toEqual([
      429,
      'rate_limited',
      '1',
    ]);
  });

  it('webhook: checks the HMAC of timestamp and raw body', async () => {
    const { app, clock } = sim();
    const body = JSON.stringify({ text: 'x', alerts: [] });
    const signature = `sha256=${createHmac('sha256', 'hook-secret').update(`${clock.now}.${body}`).digest('hex')}`;
    const send = (sig: string, raw = body) =>
      app.inject({
        method: 'POST',
        url: '/webhook/in',
        headers: {
          'content-type': 'application/json',
          'x-wdtk3-timestamp': String(clock.now),
          'x-wdtk3-signature': sig,
        },
        payload: raw,
      });
    expect((await send(signature)).statusCode).toBe(200);
    expect((await send(signature, body.replace('x', 'y'))).statusCode).toBe(401);
    expect((await send('sha256=00')).statusCode).toBe(401);
  });

  it('reads back what arrived, filtered, and shows it to people', async () => {
    const { app, clock } = sim();
    await ding(app, clock.now, markdown('<b>first</b>'));
    await ding(app, clock.now, markdown('x'), 'bad');
    const all = (await app.inject({ url: '/_sim/messages?robot=ding' })).json() as { messages: unknown[] };
    const refused = (await app.inject({ url: '/_sim/messages?accepted=false' })).json() as {
      messages: unknown[];
    };
    expect([all.messages.length, refused.messages.length]).toEqual([2, 1]);
    const page = await app.inject({ url: '/' });
    expect(page.body).toContain('&lt;b&gt;first&lt;/b&gt;');
    expect(page.body).toContain('refused: sign');
  });
});
