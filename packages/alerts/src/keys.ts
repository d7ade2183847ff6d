/**
 * Every Redis key of the alerts, under the queues' `{hash-tag}` prefix (one Cluster slot with the
 * rest of the pipeline, so the alerter's Lua scripts may touch several at once).
 */
export function alertKeys(prefix: string) {
  const base = `${prefix}:alerts`;
  return {
    /** String: the instance id of the one alerter that evaluates and delivers (PX lease). */
    lease: `${base}:lease`,
    /** Hash: alert key → AlertState JSON (pending, firing, and resolved until their retention). */
    state: `${base}:state`,
    /** Hash: silence id → Silence JSON. */
    silences: `${base}:silences`,
    /** Hash: channel name → ChannelStatus JSON (no webhook, no secret). */
    channels: `${base}:channels`,
    /** List: notifications waiting for a channel, oldest first. */
    outbox: (channel: string) => `${base}:outbox:${channel}`,
    /** Sorted set: messages sent to a channel (score = sent at), the rate limiter's memory. */
    sent: (channel: string) => `${base}:sent:${channel}`,
    /** String with a TTL: the outcome of one test message. */
    testResult: (requestId: string) => `${base}:test:${requestId}`,
  };
}

export type AlertKeys = ReturnType<typeof alertKeys>;
