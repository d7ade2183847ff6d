import { z } from 'zod';
import { stampSchema } from './common.ts';

/** One loader process, from the heartbeat it writes to Redis. */
export const loaderBeatSchema = z.object({
  id: z.string().describe('host:pid:random, one per process start'),
  host: z.string(),
  pid: z.number(),
  startedAt: stampSchema,
  lastSeen: stampSchema,
  ageSeconds: z.number().describe('Since the last heartbeat'),
  alive: z.boolean().describe('A heartbeat within three intervals, and not stopped'),
  stopped: z.boolean().describe('The process said goodbye (a clean shutdown)'),
  concurrency: z.number(),
  processed: z.number().describe('Jobs finished since the process started'),
  failed: z.number().describe('Attempts failed since the process started'),
  jobsPerSecond: z.number().describe('Over the last heartbeat interval'),
});
export type LoaderBeatAnswer = z.output<typeof loaderBeatSchema>;

/** `GET /loaders`: every loader seen in the last day, newest heartbeat first. */
export const loaderFleetSchema = z.object({ loaders: z.array(loaderBeatSchema) });
export type LoaderFleet = z.output<typeof loaderFleetSchema>;
