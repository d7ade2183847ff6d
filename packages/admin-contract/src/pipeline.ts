import { z } from 'zod';

/** The states `GET /queues` counts. BullMQ 6 has no separate `paused` state; `paused` is a flag. */
export const JOB_STATES = [
  'waiting',
  'active',
  'delayed',
  'prioritized',
  'waiting-children',
  'completed',
  'failed',
] as const;
export type JobStateName = (typeof JOB_STATES)[number];

export const queueStatsSchema = z.object({
  queue: z.string(),
  paused: z.boolean(),
  counts: z.record(z.enum(JOB_STATES), z.number()),
  oldestWaitingSeconds: z.number().nullable().describe('Since the oldest waiting job became due; null: none'),
});
export type QueueStats = z.output<typeof queueStatsSchema>;

/** `GET /queues`. */
export const queuesAnswerSchema = z.object({ queues: z.array(queueStatsSchema) });
export type QueuesAnswer = z.output<typeof queuesAnswerSchema>;

/** `POST /pipeline/pause`. */
export const pauseAnswerSchema = z.object({ paused: z.array(z.string()) });
/** `POST /pipeline/resume`. */
export const resumeAnswerSchema = z.object({ resumed: z.array(z.string()) });
export type PauseAnswer = z.output<typeof pauseAnswerSchema>;
export type ResumeAnswer = z.output<typeof resumeAnswerSchema>;

export const auditEntrySchema = z.object({
  id: z.string().describe('The stream entry id'),
  at: z.number().describe('epoch ms'),
  who: z.string().describe('The token’s name, never the token'),
  action: z.string(),
  target: z.string(),
  details: z.unknown(),
});
export type AuditEntry = z.output<typeof auditEntrySchema>;

/** `GET /audit`: newest first. */
export const auditPageSchema = z.object({
  entries: z.array(auditEntrySchema),
  nextBefore: z.string().nullable().describe('Pass as `before` for the next page; null on the last'),
});
export type AuditPage = z.output<typeof auditPageSchema>;
