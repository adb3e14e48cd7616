import { describe, expect, it } from 'vitest';
import { call, channelId, connect, getJson, ok, Recorder, register, send } from '../helpers/clients.js';
import { serverWithAdmin } from '../helpers/server.js';

/**
 * Issue #17, reports and the audit log: a member reports a message; those who moderate the
 * room see it in context and handle it; the reporter is told; every moderation action is in
 * the audit log, which only admins read.
 */
describe('reports and the audit log', () => {
  const suite = serverWithAdmin();

  it('puts a report in the moderators’ queue with its context, and tells the reporter how it was handled', async () => {
    const adminSocket = await connect(suite.server.url, suite.admin.token);
    const spammer = await register(suite.server.url);
    const reporter = await register(suite.server.url);
    const bystander = await register(suite.server.url);
    const spammerSocket = await connect(suite.server.url, spammer.token);
    const reporterSocket = await connect(suite.server.url, reporter.token);
    const bystanderSocket = await connect(suite.server.url, bystander.token);
    const general = await channelId(reporterSocket, 'general');
    await send(reporterSocket, general, 'good morning');
    const { message } = await send(spammerSocket, general, 'BUY CHEAP WATCHES');
    await send(bystanderSocket, general, 'ugh');

    expect(await call(reporterSocket, 'message:report', { messageId: message.id, reason: '' })).toMatchObject(
      {
        ok: false,
        error: { code: 'bad_request' },
      },
    );
    expect(
      await call(spammerSocket, 'message:report', { messageId: message.id, reason: 'me' }),
    ).toMatchObject({
      ok: false,
      error: { code: 'bad_request' },
    });
    const { reportId } = await ok(reporterSocket, 'message:report', {
      messageId: message.id,
      reason: 'spam',
    });
    // Reporting again is the same report.
    expect(
      (await ok(reporterSocket, 'message:report', { messageId: message.id, reason: 'spam!' })).reportId,
    ).toBe(reportId);

    // Not in a member's queue; in the admin's, with the message in context.
    expect((await ok(bystanderSocket, 'reports:list')).reports).toEqual([]);
    expect(await call(bystanderSocket, 'report:resolve', { reportId, action: 'dismiss' })).toMatchObject({
      ok: false,
      error: { code: 'not_found' },
    });
    const [queued] = (await ok(adminSocket, 'reports:list')).reports;
    expect(queued).toMatchObject({
      id: reportId,
      reason: 'spam',
      status: 'open',
      reporter: { id: reporter.user.id },
    });
    expect(queued!.message?.text).toBe('BUY CHEAP WATCHES');
    expect(queued!.context.map((m) => m.text).slice(-3)).toEqual([
      'good morning',
      'BUY CHEAP WATCHES',
      'ugh',
    ]);

    const told = new Recorder(reporterSocket);
    const { report } = await ok(adminSocket, 'report:resolve', { reportId, action: 'mute', minutes: 60 });
    expect(report).toMatchObject({ status: 'actioned', resolution: 'muted' });
    expect(await told.wait('report:handled')).toEqual({
      reportId,
      messageId: message.id,
      resolution: 'muted',
    });
    expect(
      await call(spammerSocket, 'message:send', { roomId: general, clientMsgId: 's2', text: 'more' }),
    ).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    // Handled once.
    expect(await call(adminSocket, 'report:resolve', { reportId, action: 'dismiss' })).toMatchObject({
      ok: false,
      error: { code: 'conflict' },
    });
    expect((await ok(adminSocket, 'reports:list')).reports).toEqual([]);
    expect((await ok(adminSocket, 'reports:list', { status: 'all' })).reports.map((r) => r.id)).toContain(
      reportId,
    );
  });

  it('keeps a private group’s reports with its own moderators, away from server staff', async () => {
    const owner = await register(suite.server.url);
    const member = await register(suite.server.url);
    const ownerSocket = await connect(suite.server.url, owner.token);
    const memberSocket = await connect(suite.server.url, member.token);
    const adminSocket = await connect(suite.server.url, suite.admin.token);
    const { room } = await ok(ownerSocket, 'room:create', {
      kind: 'group',
      name: 'private',
      memberIds: [member.user.id],
    });
    const { message } = await send(ownerSocket, room.id, 'rude words');
    await ok(memberSocket, 'message:report', { messageId: message.id, reason: 'rude' });
    expect((await ok(adminSocket, 'reports:list')).reports.some((r) => r.room.id === room.id)).toBe(false);
    // The owner is the group's moderator; deleting their own message handles it.
    const [mine] = (await ok(ownerSocket, 'reports:list')).reports;
    expect(mine?.room.id).toBe(room.id);
    await ok(ownerSocket, 'report:resolve', { reportId: mine!.id, action: 'delete' });
  });

  it('records every moderation action for admins only, filtered and newest first', async () => {
    const adminSocket = await connect(suite.server.url, suite.admin.token);
    const target = await register(suite.server.url);
    const targetSocket = await connect(suite.server.url, target.token);
    const general = await channelId(adminSocket, 'general');
    await ok(adminSocket, 'room:mute', {
      roomId: general,
      userId: target.user.id,
      minutes: 5,
      reason: 'cool off',
    });
    await ok(adminSocket, 'room:unmute', { roomId: general, userId: target.user.id });
    const { message } = await send(targetSocket, general, 'oops');
    await ok(adminSocket, 'message:delete', { messageId: message.id });

    const { status, body } = await getJson(
      `${suite.server.url}/api/admin/audit?target=${target.user.id}`,
      suite.admin.token,
    );
    expect(status).toBe(200);
    expect(body.entries.map((e: { action: string }) => e.action)).toEqual([
      'message.delete',
      'room.mute',
      'room.mute',
    ]);
    expect(body.entries[2]).toMatchObject({
      actor: { id: suite.admin.user.id },
      target: { id: target.user.id },
      roomId: general,
      reason: 'cool off',
    });
    expect(body.entries[1].detail).toEqual({ lifted: true });
    const muted = await getJson(
      `${suite.server.url}/api/admin/audit?action=room.mute&limit=1`,
      suite.admin.token,
    );
    expect(muted.body.entries).toHaveLength(1);

    // A member is refused; nobody signed in is told to sign in; bad input is a problem.
    expect((await getJson(`${suite.server.url}/api/admin/audit`, target.token)).status).toBe(403);
    expect((await getJson(`${suite.server.url}/api/admin/audit`)).status).toBe(401);
    const bad = await getJson(`${suite.server.url}/api/admin/audit?limit=5000`, suite.admin.token);
    expect(bad.status).toBe(400);
    expect(bad.body.code).toBe('bad_request');
  });
});

describe('a report handled by two moderators at once', () => {
  const suite = serverWithAdmin();

  it('is acted on once: one of them is told it was already handled', async () => {
    const admin = await connect(suite.server.url, suite.admin.token);
    const writer = await register(suite.server.url);
    const reader = await register(suite.server.url);
    const writerSocket = await connect(suite.server.url, writer.token);
    const readerSocket = await connect(suite.server.url, reader.token);
    const general = await channelId(admin, 'general');
    const { message } = await send(writerSocket, general, 'rude');
    const { reportId } = await ok(readerSocket, 'message:report', { messageId: message.id, reason: 'rude' });
    const second = await connect(suite.server.url, suite.admin.token);
    const answers = await Promise.all([
      call(admin, 'report:resolve', { reportId, action: 'mute', minutes: 5 }),
      call(second, 'report:resolve', { reportId, action: 'dismiss' }),
    ]);
    expect(answers.filter((a) => a.ok)).toHaveLength(1);
    expect(answers.filter((a) => !a.ok)).toEqual([
      expect.objectContaining({ error: expect.objectContaining({ code: 'conflict' }) }),
    ]);
    const audit = await getJson(
      `${suite.server.url}/api/admin/audit?action=room.mute&target=${writer.user.id}`,
      suite.admin.token,
    );
    const muted = answers[0]!.ok;
    expect(audit.body.entries).toHaveLength(muted ? 1 : 0);
  });
});
