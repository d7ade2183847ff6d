/**
 * The ledger's schema, as numbered migrations applied in order and never edited once released
 * (a change is a new migration). Kept as TypeScript strings so the package ships as it is.
 */
export interface Migration {
  readonly version: number;
  readonly name: string;
  readonly sql: string;
}

export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'orders, their timeline, rejected events',
    sql: `
      CREATE TABLE ledger_orders (
        order_key      text PRIMARY KEY,
        stockout_id    text,
        order_no       text,
        stockout_no    text,
        src_trade_no   text,
        logistics_no   text,
        shop_no        text,
        warehouse_no   text,
        consign_time   timestamptz,
        wdt_status     integer,
        state          text NOT NULL CHECK (state IN ('pending', 'saved', 'dead', 'discarded', 'changed')),
        bill_no        text,
        k3_fid         text,
        last_code      text,
        last_message   text,
        attempts       integer NOT NULL DEFAULT 0,
        content_hash   text,
        bill_hash      text,
        saved_bill     jsonb,
        changed_bill   jsonb,
        changed_fields jsonb,
        edited_from    text,
        blocking       jsonb NOT NULL DEFAULT '[]',
        discarded_by   text,
        discard_reason text,
        first_seen_at  timestamptz NOT NULL,
        saved_at       timestamptz,
        dead_at        timestamptz,
        updated_at     timestamptz NOT NULL,
        last_event_id  text NOT NULL
      );
      CREATE INDEX ledger_orders_order_no ON ledger_orders (order_no);
      CREATE INDEX ledger_orders_stockout_no ON ledger_orders (stockout_no);
      CREATE INDEX ledger_orders_stockout_id ON ledger_orders (stockout_id);
      CREATE INDEX ledger_orders_src_trade_no ON ledger_orders (src_trade_no);
      CREATE INDEX ledger_orders_logistics_no ON ledger_orders (logistics_no);
      CREATE INDEX ledger_orders_bill_no ON ledger_orders (bill_no);
      CREATE INDEX ledger_orders_state_time ON ledger_orders (state, updated_at, order_key);
      CREATE INDEX ledger_orders_dead_code ON ledger_orders (last_code, dead_at, order_key) WHERE state = 'dead';
      CREATE INDEX ledger_orders_shop_time ON ledger_orders (shop_no, consign_time);

      CREATE TABLE ledger_events (
        event_id  text PRIMARY KEY,
        order_key text NOT NULL,
        type      text NOT NULL,
        at        timestamptz NOT NULL,
        data      jsonb NOT NULL
      );
      CREATE INDEX ledger_events_order ON ledger_events (order_key, event_id);
      CREATE INDEX ledger_events_type_at ON ledger_events (type, at);

      CREATE TABLE ledger_rejected_events (
        event_id    text PRIMARY KEY,
        received_at timestamptz NOT NULL,
        reason      text NOT NULL,
        raw         jsonb NOT NULL
      );
    `,
  },
  {
    version: 20,
    name: 'reconciliation runs and their reports (issue 17)',
    sql: `
      CREATE TABLE reconciliation_runs (
        id            text PRIMARY KEY,
        period_from   date NOT NULL,
        period_to     date NOT NULL,
        shop_no       text,
        warehouse_no  text,
        state         text NOT NULL,
        trigger       text NOT NULL,
        requested_by  text,
        created_at    timestamptz NOT NULL,
        finished_at   timestamptz,
        missing       integer,
        extra         integer,
        duplicated    integer,
        mismatched    integer,
        extra_checked boolean,
        wdt_totals    jsonb,
        k3_totals     jsonb,
        error         jsonb
      );
      CREATE INDEX reconciliation_runs_finished ON reconciliation_runs (finished_at DESC);
      CREATE INDEX reconciliation_runs_period ON reconciliation_runs (period_from, period_to);

      CREATE TABLE reconciliation_items (
        run_id   text NOT NULL REFERENCES reconciliation_runs (id) ON DELETE CASCADE,
        seq      integer NOT NULL,
        category text NOT NULL,
        bill_no  text NOT NULL,
        data     jsonb NOT NULL,
        PRIMARY KEY (run_id, seq)
      );
      CREATE INDEX reconciliation_items_bill_no ON reconciliation_items (bill_no);
    `,
  },
];
