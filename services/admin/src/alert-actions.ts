import {
  createSilence,
  endSilence,
  requestTest,
  type Silence,
  type SilenceInput,
  type TestOutcome,
} from '@wdt-k3/alerts';
import { type Actor, viaDetails } from './actor.ts';
import type { AppContext } from './context.ts';
import { AdminError } from './errors.ts';

/**
 * The operator's writes to the alerts, shared by the admin API and the console so both audit the
 * same way: silence or acknowledge, end a silence, send a channel's test message.
 */
export async function silenceAlerts(ctx: AppContext, actor: Actor, input: SilenceInput): Promise<Silence> {
  const silence = await createSilence(ctx.redis, ctx.prefix, input, actor.by, ctx.now());
  await ctx.audit.write({
    who: actor.by,
    action: silence.kind === 'ack' ? 'alert.ack' : 'alert.silence',
    target: silence.key ?? silence.rule,
    details: { id: silence.id, until: silence.until, reason: silence.reason, ...viaDetails(actor) },
  });
  return silence;
}

export async function endAlertSilence(ctx: AppContext, actor: Actor, id: string): Promise<Silence> {
  const silence = await endSilence(ctx.redis, ctx.prefix, id, ctx.now());
  if (silence === null) throw new AdminError('ADMIN_NOT_FOUND', `no silence ${id}`);
  await ctx.audit.write({
    who: actor.by,
    action: 'alert.unsilence',
    target: silence.key ?? silence.rule,
    details: { id: silence.id, ...viaDetails(actor) },
  });
  return silence;
}

export async function testAlertChannel(
  ctx: AppContext,
  actor: Actor,
  name: string,
  waitMs: number,
): Promise<TestOutcome> {
  const outcome = await requestTest(ctx.redis, ctx.prefix, name, actor.by, ctx.now(), waitMs);
  if (outcome === null)
    throw new AdminError('ADMIN_NOT_FOUND', `no alert channel ${name} (GET /alerts/channels)`);
  await ctx.audit.write({
    who: actor.by,
    action: 'alert.test',
    target: name,
    details: {
      requestId: outcome.requestId,
      outcome: outcome.outcome,
      code: outcome.code,
      ...viaDetails(actor),
    },
  });
  return outcome;
}
