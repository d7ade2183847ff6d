#!/usr/bin/env bash
# pnpm bench: every benchmark of the project, one after the other. Each prints its own figures;
# nothing here asserts on time (the numbers depend on the machine and its load).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
run() { printf '\n== %s\n' "$*"; node "$@"; }
run packages/mapping/bench/mapping.bench.ts
run packages/sim-data/bench/dataset.bench.ts 1000000
run services/wdt-sim/bench/serve.bench.ts
run services/k3cloud-sim/bench/batch-save.bench.ts 20000
run services/loader/bench/loader.bench.ts 20000
