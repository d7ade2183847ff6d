import type { RateVerdict } from '../limits.ts';
import type { Robot } from '../robots.ts';

export interface Incoming {
  readonly robot: Robot | undefined;
  readonly query: Readonly<Record<string, string | undefined>>;
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
  readonly raw: string;
  readonly bytes: number;
  readonly now: number;
  readonly timestampWindowMs: number;
  /** Asks the robot's rate limit (only once every other check passed). */
  readonly rate: () => RateVerdict;
}

export interface Verdict {
  readonly status: number;
  readonly body: unknown;
  readonly headers?: Readonly<Record<string, string>>;
  readonly accepted: boolean;
  readonly reason: string;
  /** What a person would see. */
  readonly text: string;
  /** The parsed body, or null. */
  readonly json: unknown;
}

export const parseJson = (raw: string): Record<string, unknown> | null => {
  try {
    const value: unknown = JSON.parse(raw);
    return typeof value === 'object' && value !== null && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : null;
  } catch {
    return null;
  }
};

export const isText = (value: unknown): value is string => typeof value === 'string' && value.trim() !== '';

export const contentType = (incoming: Incoming): string => {
  const value = incoming.headers['content-type'];
  return (Array.isArray(value) ? value[0] : value) ?? '';
};

export const header = (incoming: Incoming, name: string): string | undefined => {
  const value = incoming.headers[name];
  return Array.isArray(value) ? value[0] : value;
};

export const object = (value: unknown): Record<string, unknown> | null =>
  typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : null;
