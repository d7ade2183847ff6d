#!/usr/bin/env bash
# The run command of the README: installs what is missing (Node 24, pnpm, dependencies from the
# lockfile) and runs the whole pipeline locally. Redis: REDIS_URL if set, otherwise a private
# redis-server spawned from PATH (the embedded default).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/toolchain.sh"
ensure_node
ensure_pnpm
if [ -z "${REDIS_URL:-}" ]; then ensure_redis_server; fi
ensure_dependencies
cd "$WDT_K3_ROOT"
exec node scripts/local-run.ts "$@"
