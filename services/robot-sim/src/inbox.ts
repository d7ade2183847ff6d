import type { RobotType } from './robots.ts';

/** One request the simulator received, accepted or not, as tests and people read it back. */
export interface ReceivedMessage {
  readonly seq: number;
  readonly robot: string;
  readonly type: RobotType | null;
  readonly receivedAt: number;
  readonly accepted: boolean;
  /** Why it was refused (`sign not match`, `rate limit`…), `ok` when accepted. */
  readonly reason: string;
  /** The vendor answer it got. */
  readonly answer: { readonly status: number; readonly body: unknown };
  /** What a person would see: title and text / content, flattened. */
  readonly text: string;
  /** The JSON body as received (null when it was not JSON). */
  readonly body: unknown;
  readonly bytes: number;
}

export interface Inbox {
  add(message: Omit<ReceivedMessage, 'seq'>): ReceivedMessage;
  list(filter: { robot?: string; accepted?: boolean; after?: number }): ReceivedMessage[];
  clear(): void;
}

export function createInbox(keep: number): Inbox {
  let messages: ReceivedMessage[] = [];
  let seq = 0;
  return {
    add: (message) => {
      seq += 1;
      const stored = { ...message, seq };
      messages.push(stored);
      if (messages.length > keep) messages = messages.slice(messages.length - keep);
      return stored;
    },
    list: (filter) =>
      messages.filter(
        (m) =>
          (filter.robot === undefined || m.robot === filter.robot) &&
          (filter.accepted === undefined || m.accepted === filter.accepted) &&
          (filter.after === undefined || m.seq > filter.after),
      ),
    clear: () => {
      messages = [];
    },
  };
}
