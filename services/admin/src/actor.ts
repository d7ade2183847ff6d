/**
 * Who does a write, for the audit trail: the token's name (never the token), and whether it came
 * through the console rather than the API. Both surfaces call the same action functions, so a
 * write is audited the same way whichever one a person used.
 */
export interface Actor {
  readonly by: string;
  readonly via: 'api' | 'console';
}

/** What an action adds to its audit entry's details: `via` only for the console (API entries stay as they were). */
export const viaDetails = (actor: Actor): { via?: 'console' } =>
  actor.via === 'console' ? { via: 'console' } : {};
