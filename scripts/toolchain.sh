#!/usr/bin/env bash
# Sourced by scripts/test.sh, scripts/start.sh and .ci/run. Makes sure this shell has what the
# project needs, installing only with npm (the one thing a fresh machine is assumed to have):
#   - Node >= 22.12 (our runtime is Node 24 LTS). Machines here ship Node 20, which is
#     end-of-life; the npm registry carries the Node 24 binary as the package node-linux-<arch>,
#     so it is installed with npm into a tools dir outside the repo.
#   - pnpm at the version pinned in package.json "packageManager".
#   - optionally redis-server, from Debian's packages.

WDT_K3_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
WDT_K3_TOOLS_DIR="${WDT_K3_TOOLS_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/wdt-k3-sync/tools}"
WDT_K3_NODE_MAJOR=24

_say() { printf '\033[1m[toolchain]\033[0m %s\n' "$*" >&2; }

_node_ok() {
  command -v node >/dev/null 2>&1 &&
    node -e 'const [a,b]=process.versions.node.split(".").map(Number);process.exit(a>22||(a===22&&b>=12)?0:1)' 2>/dev/null
}

# Node and pnpm live in separate npm prefixes: `npm install --no-save` into one prefix removes
# whatever that prefix held before.
_prepend_path() {
  case ":$PATH:" in
    *":$1:"*) ;;
    *) export PATH="$1:$PATH" ;;
  esac
}

ensure_node() {
  local prefix="$WDT_K3_TOOLS_DIR/node${WDT_K3_NODE_MAJOR}"
  if [ -x "$prefix/node_modules/.bin/node" ]; then _prepend_path "$prefix/node_modules/.bin"; fi
  if _node_ok; then return 0; fi
  if ! command -v npm >/dev/null 2>&1; then
    _say "Node >= 22.12 is required and npm is not available to install it."
    _say "Install Node 24 LTS (https://nodejs.org) or any Node with npm, then run this again."
    return 1
  fi
  local arch
  case "$(uname -m)" in
    x86_64 | amd64) arch=x64 ;;
    aarch64 | arm64) arch=arm64 ;;
    *) _say "no prebuilt Node for $(uname -m) on the npm registry; install Node 24 yourself"; return 1 ;;
  esac
  _say "installing Node ${WDT_K3_NODE_MAJOR} (node-linux-${arch}) with npm into $prefix"
  mkdir -p "$prefix"
  npm install --prefix "$prefix" --no-save --no-audit --no-fund --loglevel=error \
    "node-linux-${arch}@${WDT_K3_NODE_MAJOR}" >&2 || return 1
  _prepend_path "$prefix/node_modules/.bin"
  _node_ok || { _say "Node install did not work (node -v: $(node -v 2>&1))"; return 1; }
  _say "using $(command -v node) $(node -v)"
}

ensure_pnpm() {
  local want
  want="$(node -p 'require(process.argv[1]).packageManager.split("@")[1]' "$WDT_K3_ROOT/package.json")" || return 1
  local prefix="$WDT_K3_TOOLS_DIR/pnpm-${want}"
  if [ -x "$prefix/node_modules/.bin/pnpm" ]; then _prepend_path "$prefix/node_modules/.bin"; fi
  if command -v pnpm >/dev/null 2>&1 && [ "$(pnpm --version 2>/dev/null)" = "$want" ]; then return 0; fi
  _say "installing pnpm ${want} with npm into $prefix"
  mkdir -p "$prefix"
  npm install --prefix "$prefix" --no-save --no-audit --no-fund --loglevel=error "pnpm@${want}" >&2 || return 1
  _prepend_path "$prefix/node_modules/.bin"
  [ "$(pnpm --version)" = "$want" ] || { _say "pnpm ${want} not on PATH after install"; return 1; }
}

# ensure_redis_server [--install]: with --install, a missing redis-server is installed from
# Debian's packages (needs root and apt-get); without it, only a clear message is printed.
ensure_redis_server() {
  if command -v redis-server >/dev/null 2>&1; then return 0; fi
  if [ "${1:-}" = "--install" ] && command -v apt-get >/dev/null 2>&1 && [ "$(id -u)" = 0 ]; then
    _say "installing redis-server from Debian's packages"
    (apt-get install -y --no-install-recommends redis-server >&2 ||
      { apt-get update >&2 && apt-get install -y --no-install-recommends redis-server >&2; }) || return 1
    command -v redis-server >/dev/null 2>&1 && return 0
  fi
  _say "redis-server is not on PATH. Either install it (Debian/Ubuntu: apt-get install redis-server)"
  _say "or point REDIS_URL at a Redis you run (redis://host:6379, noeviction recommended)."
  return 1
}

# ensure_chromium [--install] [--cjk-fonts]: Debian's chromium at /usr/bin/chromium for the console's
# browser tests (playwright-core drives it; nothing downloads a browser). --cjk-fonts also installs
# Noto CJK, so screenshots show Chinese instead of boxes.
ensure_chromium() {
  local install="" fonts=""
  for arg in "$@"; do
    case "$arg" in --install) install=1 ;; --cjk-fonts) fonts=fonts-noto-cjk ;; esac
  done
  local want=""
  [ -x /usr/bin/chromium ] || want="chromium"
  if [ -n "$fonts" ] && ! { command -v fc-list >/dev/null 2>&1 && fc-list :lang=zh | grep -q .; }; then want="$want $fonts"; fi
  [ -z "$want" ] && return 0
  if [ -n "$install" ] && command -v apt-get >/dev/null 2>&1 && [ "$(id -u)" = 0 ]; then
    _say "installing$([ -n "$want" ] && echo " $want") from Debian's packages"
    # shellcheck disable=SC2086
    (apt-get install -y --no-install-recommends $want >&2 ||
      { apt-get update >&2 && apt-get install -y --no-install-recommends $want >&2; }) || return 1
    [ -x /usr/bin/chromium ] && return 0
  fi
  _say "chromium is not at /usr/bin/chromium: apt-get install chromium (the console's browser tests skip without it)"
  return 1
}

# ensure_promtool [--install]: promtool checks deploy/prometheus (alerts.yml and its unit tests).
# Debian's `prometheus` package ships it; with --install (root, apt-get) it is installed with the
# daemon kept from starting (policy-rc.d) and stopped if a service manager started it anyway.
ensure_promtool() {
  if command -v promtool >/dev/null 2>&1; then return 0; fi
  if [ "${1:-}" = "--install" ] && command -v apt-get >/dev/null 2>&1 && [ "$(id -u)" = 0 ]; then
    _say "installing promtool (Debian's prometheus package; its daemon is not started)"
    local policy=/usr/sbin/policy-rc.d created=""
    if [ ! -e "$policy" ]; then printf '#!/bin/sh\nexit 101\n' >"$policy" && chmod +x "$policy" && created=1; fi
    (DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends prometheus >&2 ||
      { apt-get update >&2 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends prometheus >&2; })
    local rc=$?
    [ -n "$created" ] && rm -f "$policy"
    if command -v systemctl >/dev/null 2>&1; then systemctl disable --now prometheus >/dev/null 2>&1 || true; fi
    [ "$rc" = 0 ] && command -v promtool >/dev/null 2>&1 && return 0
  fi
  _say "promtool is not on PATH: install Debian's prometheus package (apt-get install prometheus) or Prometheus' release."
  return 1
}

# ensure_test_tools [--install]: what the Redis HA tests need beyond redis-server: redis-cli
# (redis-tools; joins the Cluster fixture) and the openssl CLI (makes the TLS tests' throwaway CA).
ensure_test_tools() {
  local missing=()
  command -v redis-cli >/dev/null 2>&1 || missing+=(redis-tools)
  command -v openssl >/dev/null 2>&1 || missing+=(openssl)
  if [ "${#missing[@]}" = 0 ]; then return 0; fi
  if [ "${1:-}" = "--install" ] && command -v apt-get >/dev/null 2>&1 && [ "$(id -u)" = 0 ]; then
    _say "installing ${missing[*]} from Debian's packages"
    (apt-get install -y --no-install-recommends "${missing[@]}" >&2 ||
      { apt-get update >&2 && apt-get install -y --no-install-recommends "${missing[@]}" >&2; }) || return 1
    command -v redis-cli >/dev/null 2>&1 && command -v openssl >/dev/null 2>&1 && return 0
  fi
  _say "the tests need ${missing[*]} (Debian/Ubuntu: apt-get install ${missing[*]})"
  return 1
}

ensure_dependencies() {
  (cd "$WDT_K3_ROOT" && pnpm install --frozen-lockfile --prefer-offline --reporter=append-only >&2)
}
