import type pg from 'pg';

/** What happened to orders in one Beijing day or hour, counted from the timeline. */
export interface ActivityBucket {
  /** `yyyy-MM-dd` (days) or `yyyy-MM-dd HH:00` (hours), Beijing time. */
  readonly bucket: string;
  /** Orders read from WDT (`order.extracted`). */
  readonly read: number;
  readonly saved: number;
  /** Orders found already in K3 (`order.saved` with `already`). */
  readonly alreadySaved: number;
  readonly deadLettered: number;
}

const FORMATS = { day: 'YYYY-MM-DD', hour: 'YYYY-MM-DD HH24:00' } as const;

/**
 * Orders per Beijing day or hour over `[fromMs, toMs)`, by what happened to them: each order
 * counted once per bucket and kind (a retried save or a re-read is not a second order). Uses the
 * `(type, at)` index; every bucket of the range is listed, empty ones with zeros.
 */
export async function activity(
  pool: pg.Pool,
  fromMs: number,
  toMs: number,
  unit: 'day' | 'hour',
): Promise<ActivityBucket[]> {
  const result = await pool.query<{
    bucket: string;
    read: number;
    saved: number;
    already: number;
    dead: number;
  }>(
    `WITH buckets AS (
       SELECT to_char(b, $4) AS bucket
       FROM generate_series(date_trunc($3, $1::timestamptz AT TIME ZONE 'Asia/Shanghai'),
                            ($2::timestamptz - interval '1 millisecond') AT TIME ZONE 'Asia/Shanghai',
                            ('1 ' || $3)::interval) AS b
     ), counted AS (
       SELECT to_char(date_trunc($3, at AT TIME ZONE 'Asia/Shanghai'), $4) AS bucket,
         count(DISTINCT order_key) FILTER (WHERE type = 'order.extracted')::int AS read,
         count(DISTINCT order_key) FILTER (WHERE type = 'order.saved' AND data->>'already' = 'false')::int AS saved,
         count(DISTINCT order_key) FILTER (WHERE type = 'order.saved' AND data->>'already' = 'true')::int AS already,
         count(DISTINCT order_key) FILTER (WHERE type = 'order.dead_lettered')::int AS dead
       FROM ledger_events
       WHERE type IN ('order.extracted', 'order.saved', 'order.dead_lettered') AND at >= $1 AND at < $2
       GROUP BY 1
     )
     SELECT buckets.bucket, coalesce(read, 0) AS read, coalesce(saved, 0) AS saved,
            coalesce(already, 0) AS already, coalesce(dead, 0) AS dead
     FROM buckets LEFT JOIN counted USING (bucket) ORDER BY buckets.bucket`,
    [new Date(fromMs), new Date(toMs), unit, FORMATS[unit]],
  );
  return result.rows.map((row) => ({
    bucket: row.bucket,
    read: row.read,
    saved: row.saved,
    alreadySaved: row.already,
    deadLettered: row.dead,
  }));
}
