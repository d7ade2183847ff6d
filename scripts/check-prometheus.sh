#!/usr/bin/env bash
# The monitoring files' checks (scripts/test.sh runs this): promtool check rules and test rules
# over deploy/prometheus, promtool check config over prometheus.yml (paths pointed at the repo's
# files), and every expression of the Grafana dashboard parsed by promtool as a recording rule.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
DIR="$ROOT/deploy/prometheus"
promtool check rules "$DIR/alerts.yml"
(cd "$DIR" && promtool test rules alerts.test.yml)
TMP="$(mktemp -d)"
trap 'rm -rf "$TMP"' EXIT
sed -e "s|/etc/prometheus/alerts.yml|$DIR/alerts.yml|" -e "s|/run/secrets/admin-metrics-token|$DIR/demo-admin-token|" \
  "$DIR/prometheus.yml" >"$TMP/prometheus.yml"
promtool check config "$TMP/prometheus.yml"
node -e '
  const dash = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
  const exprs = dash.panels.flatMap((p) => (p.targets ?? []).map((t) => t.expr));
  const rules = exprs.map((e, i) => `      - record: dashboard:expr_${i}\n        expr: ${JSON.stringify(e)}`);
  process.stdout.write(`groups:\n  - name: dashboard\n    rules:\n${rules.join("\n")}\n`);
' "$ROOT/deploy/grafana/dashboards/wdt-k3-sync.json" >"$TMP/dashboard-rules.yml"
promtool check rules "$TMP/dashboard-rules.yml"
