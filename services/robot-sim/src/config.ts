import { ConfigError, envInt, envPort, LOG_LEVELS, parseConfig } from '@wdt-k3/runtime';
import { z } from 'zod';
import { DEMO_ROBOTS, type Robot, robotSchema } from './robots.ts';

const envSchema = z.object({
  ROBOT_SIM_HOST: z.string().min(1).default('127.0.0.1'),
  ROBOT_SIM_PORT: envPort.default(4103),
  /** JSON array of robots; the demo robots when absent. */
  ROBOT_SIM_ROBOTS: z.string().optional(),
  /** How far a signed timestamp may be from the simulator's clock (both vendors: one hour). */
  ROBOT_SIM_TIMESTAMP_WINDOW_MS: envInt.default(3_600_000),
  /** Messages kept for reading back (oldest dropped first). */
  ROBOT_SIM_KEEP_MESSAGES: envInt.pipe(z.number().min(1)).default(10_000),
  ROBOT_SIM_LOG_LEVEL: z.enum(LOG_LEVELS).default('info'),
});

export interface RobotSimConfig {
  readonly host: string;
  readonly port: number;
  readonly robots: readonly Robot[];
  readonly timestampWindowMs: number;
  readonly keepMessages: number;
  readonly logLevel: (typeof LOG_LEVELS)[number];
}

export function loadConfig(env: Readonly<Record<string, string | undefined>>): RobotSimConfig {
  const e = parseConfig(envSchema, env, 'robot-sim environment');
  let robots: readonly Robot[] = DEMO_ROBOTS;
  if (e.ROBOT_SIM_ROBOTS !== undefined && e.ROBOT_SIM_ROBOTS.trim() !== '') {
    let raw: unknown;
    try {
      raw = JSON.parse(e.ROBOT_SIM_ROBOTS);
    } catch {
      throw new ConfigError(['ROBOT_SIM_ROBOTS: not valid JSON'], 'robot-sim environment');
    }
    const parsed = z.array(robotSchema).min(1).safeParse(raw);
    if (!parsed.success)
      throw new ConfigError(
        parsed.error.issues.map((issue) => `ROBOT_SIM_ROBOTS.${issue.path.join('.')}: ${issue.message}`),
        'robot-sim environment',
      );
    robots = parsed.data;
  }
  return {
    host: e.ROBOT_SIM_HOST,
    port: e.ROBOT_SIM_PORT,
    robots,
    timestampWindowMs: e.ROBOT_SIM_TIMESTAMP_WINDOW_MS,
    keepMessages: e.ROBOT_SIM_KEEP_MESSAGES,
    logLevel: e.ROBOT_SIM_LOG_LEVEL,
  };
}
