#!/usr/bin/env bash
# pnpm bench [--quick]: every benchmark of the project, one after the other. Each prints its own
# figures; nothing here asserts on time (the numbers depend on the machine and its load). Rows
# that are ratios (WDT budget, ceiling, loader) also go to one summary table printed at the end.
# Every bench checks its own result and exits non-zero when it fails, which stops this script.
# --quick: the WDT budget for 1 minute, the loader over 5,000 orders, the pipeline over 5,000
# orders, and nothing else.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
quick=false
[ "${1:-}" = "--quick" ] && quick=true
summary="$(mktemp -t wdt-k3-bench.XXXXXX)"
trap 'rm -f "$summary"' EXIT
run() { printf '\n== %s\n' "$*"; node "$@"; }
if $quick; then
  run services/extractor/bench/wdt-budget.bench.ts --quick --summary "$summary"
  run services/loader/bench/loader.bench.ts --quick --summary "$summary"
  run services/local-run/bench/pipeline.bench.ts --quick --summary "$summary"
  node scripts/bench-summary.ts "$summary"
  exit 0
fi
run packages/mapping/bench/mapping.bench.ts --summary "$summary"
run services/extractor/bench/wdt-budget.bench.ts --summary "$summary"
run services/loader/bench/loader.bench.ts 20000 --summary "$summary"
run services/local-run/bench/pipeline.bench.ts --summary "$summary"
run packages/sim-data/bench/dataset.bench.ts 1000000
run services/wdt-sim/bench/serve.bench.ts
run --expose-gc services/k3cloud-sim/bench/batch-save.bench.ts 100000 --summary "$summary"
run services/loader/bench/claims.bench.ts 20000
run services/ledger/bench/ledger.bench.ts 100000 20000
RECONCILER_NODE_OPTIONS=--max-old-space-size=96 run services/reconciler/bench/reconcile.bench.ts 100000
run services/local-run/bench/redis-memory.bench.ts 10000 --summary "$summary"
node scripts/bench-summary.ts "$summary"
