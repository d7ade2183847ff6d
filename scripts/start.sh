#!/usr/bin/env bash
# The run command of the README: installs what is missing (Node 24, pnpm, dependencies from the
# lockfile) and runs the whole pipeline locally (services/local-run): Redis from REDIS_URL or an
# embedded redis-server from PATH, both simulators, the extractor, loaders and the admin API.
# Flags: ./scripts/start.sh --help
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/toolchain.sh"
ensure_node
ensure_pnpm
if [ -z "${REDIS_URL:-}" ]; then ensure_redis_server; fi
ensure_dependencies
cd "$WDT_K3_ROOT"
exec node services/local-run/src/main.ts "$@"
