#!/usr/bin/env bash
# Regenerates docs/screenshots/*.png, the console pages the README shows: the console's browser
# test (services/admin/src/console/console.e2e.test.ts) against a local run, saving each page it
# visits. Needs chromium and a CJK font (installed from Debian's packages when run as root).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/toolchain.sh"
ensure_node
ensure_pnpm
ensure_redis_server --install
ensure_chromium --install --cjk-fonts
ensure_dependencies
cd "$WDT_K3_ROOT"
CONSOLE_SCREENSHOTS="$WDT_K3_ROOT/docs/screenshots" pnpm vitest run services/admin/src/console/console.e2e.test.ts
ls -1 docs/screenshots
