import type pg from 'pg';
import type { ReportItem, RunRecord } from './report.ts';

/**
 * Each finished run in the ledger's PostgreSQL (migration 20, packages/ledger), when the process
 * running it has DATABASE_URL: `reconciliation_runs` (one row per run: period, filter, state,
 * counts per category, both sides' totals, finished_at — what an alert rule reads) and
 * `reconciliation_items` (the report). Redis holds the same for the retention; PostgreSQL keeps it.
 */
export async function recordRunInPostgres(
  pool: pg.Pool,
  run: RunRecord,
  items: AsyncIterable<readonly ReportItem[]>,
): Promise<void> {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    const s = run.summary;
    await client.query(
      `INSERT INTO reconciliation_runs (id, period_from, period_to, shop_no, warehouse_no, state, trigger, requested_by,
         created_at, finished_at, missing, extra, duplicated, mismatched, extra_checked, wdt_totals, k3_totals, error)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, to_timestamp($9 / 1000.0), to_timestamp($10 / 1000.0),
               $11, $12, $13, $14, $15, $16, $17, $18)
       ON CONFLICT (id) DO UPDATE SET state = EXCLUDED.state, finished_at = EXCLUDED.finished_at,
         missing = EXCLUDED.missing, extra = EXCLUDED.extra, duplicated = EXCLUDED.duplicated,
         mismatched = EXCLUDED.mismatched, extra_checked = EXCLUDED.extra_checked,
         wdt_totals = EXCLUDED.wdt_totals, k3_totals = EXCLUDED.k3_totals, error = EXCLUDED.error`,
      [
        run.id,
        run.period.from,
        run.period.to,
        run.filter.shopNo ?? null,
        run.filter.warehouseNo ?? null,
        run.state,
        run.trigger,
        run.requestedBy,
        run.createdAt,
        run.finishedAt,
        s?.missing ?? null,
        s?.extra ?? null,
        s?.duplicated ?? null,
        s?.mismatched ?? null,
        s?.extraChecked ?? null,
        s === null ? null : JSON.stringify(s.wdt),
        s === null ? null : JSON.stringify(s.k3),
        run.error === null ? null : JSON.stringify(run.error),
      ],
    );
    await client.query('DELETE FROM reconciliation_items WHERE run_id = $1', [run.id]);
    let seq = 0;
    for await (const chunk of items) {
      if (chunk.length === 0) continue;
      const seqs = chunk.map(() => seq++);
      await client.query(
        `INSERT INTO reconciliation_items (run_id, seq, category, bill_no, data)
         SELECT $1, * FROM unnest($2::int[], $3::text[], $4::text[], $5::jsonb[])`,
        [
          run.id,
          seqs,
          chunk.map((item) => item.category),
          chunk.map((item) => item.billNo),
          chunk.map((item) => JSON.stringify(item)),
        ],
      );
    }
    await client.query('COMMIT');
  } catch (err) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw err;
  } finally {
    client.release();
  }
}
