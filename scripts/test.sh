#!/usr/bin/env bash
# The test command of the README: installs what is missing (Node 24, pnpm, redis-server,
# dependencies from the lockfile), then runs typecheck + lint + every test tier.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/toolchain.sh"
ensure_node
ensure_pnpm
ensure_redis_server --install
ensure_dependencies
cd "$WDT_K3_ROOT"
exec pnpm test "$@"
