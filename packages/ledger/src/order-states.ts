/**
 * The states of an order in the ledger. Its own module, without imports, so the admin API's
 * contract (`@wdt-k3/admin-contract`, read by the CLI) can name them without loading `pg`.
 */
export const ORDER_STATES = ['pending', 'saved', 'dead', 'discarded', 'changed'] as const;
export type OrderState = (typeof ORDER_STATES)[number];
