import { type Logger, pino } from 'pino';

/**
 * A logger for services started inside a test: silent, unless TEST_LOG_LEVEL asks for lines
 * (`TEST_LOG_LEVEL=debug pnpm vitest run …` when a test needs explaining).
 */
export function testLogger(): Logger {
  return pino({ level: process.env.TEST_LOG_LEVEL ?? 'silent' });
}
