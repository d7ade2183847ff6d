#!/usr/bin/env bash
# The test command of the README: installs what is missing (Node 24, pnpm, redis-server,
# redis-cli, openssl, chromium for the console's browser tests, dependencies from the lockfile), then runs typecheck + lint + every test tier, then the deploy
# tier: the compose deployment on a real Docker engine (pnpm test:deploy, deploy/README.md). That
# one installs docker.io, debootstrap and Compose v2 itself where it can (root, apt-get) and says
# SKIPPED where it cannot; WDT_K3_DEPLOY_REQUIRED=1 (CI) makes a skip a failure. Between the two,
# the monitoring files' checks (scripts/check-prometheus.sh), with promtool installed from Debian's
# prometheus package when missing (root); likewise SKIPPED without it, a failure in CI.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/toolchain.sh"
ensure_node
ensure_pnpm
ensure_redis_server --install
ensure_test_tools --install
PROMTOOL=yes
ensure_promtool --install || PROMTOOL=""
if ! ensure_chromium --install; then
  # Without it the console's browser test is skipped, saying so; CI requires it.
  if [ "${WDT_K3_DEPLOY_REQUIRED:-}" = 1 ]; then echo "chromium could not be installed, and CI requires it" >&2; exit 1; fi
fi
ensure_dependencies
cd "$WDT_K3_ROOT"
pnpm test "$@"
if [ -n "$PROMTOOL" ]; then
  ./scripts/check-prometheus.sh
elif [ "${WDT_K3_DEPLOY_REQUIRED:-}" = 1 ]; then
  echo "promtool checks: promtool could not be installed, and CI requires them" >&2
  exit 1
else
  echo "promtool checks: SKIPPED (no promtool; as root this script installs Debian's prometheus package)" >&2
fi
pnpm test:deploy
