#!/usr/bin/env bash
# Writes one archive from which a site without any registry installs the compose deployment:
#   wdt-k3-sync-<tag>/images.tar          docker save of every image docker-compose.yml runs
#                    /SHA256SUMS
#                    /docker-compose.yml  /.env.example  /INSTALL.md (deploy/bundle/INSTALL.md)
#
#   scripts/bundle.sh [--output FILE]     default: ./wdt-k3-sync-<tag>-bundle.tar.gz
#
# The images must exist in the engine `docker` talks to: build ours with `docker compose build`
# (NODE_IMAGE for a mirror's base image) and have the Redis and PostgreSQL images pulled or
# loaded. Image names follow WDT_K3_IMAGE, WDT_K3_IMAGE_TAG, REDIS_IMAGE and POSTGRES_IMAGE as
# compose does (.env.example).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
TAG="${WDT_K3_IMAGE_TAG:-local}"
OUTPUT="$PWD/wdt-k3-sync-${TAG}-bundle.tar.gz"

while [ $# -gt 0 ]; do
  case "$1" in
    --output) OUTPUT="$(realpath -m "$2")"; shift 2 ;;
    -h | --help) sed -n '2,12p' "${BASH_SOURCE[0]}"; exit 0 ;;
    *) echo "bundle.sh: unknown argument $1 (try --help)" >&2; exit 2 ;;
  esac
done

say() { printf '[bundle] %s\n' "$*" >&2; }

cd "$ROOT"
# Compose's own list of the images it runs, the demo's included (its simulators run the app image
# too). Not the monitoring profile's: Prometheus, Alertmanager and Grafana come from the site's
# own registry, as any third-party image.
mapfile -t IMAGES < <(docker compose --profile demo config --images | sort -u)
[ "${#IMAGES[@]}" -gt 0 ] || { say "docker compose config --images listed no image"; exit 1; }
for image in "${IMAGES[@]}"; do
  if ! docker image inspect "$image" >/dev/null 2>&1; then
    say "image $image is not in this engine: build it (docker compose build) or pull/load it first"
    exit 1
  fi
done

STAGE="$(mktemp -d)"
trap 'rm -rf "$STAGE"' EXIT
DIR="$STAGE/wdt-k3-sync-${TAG}"
mkdir -p "$DIR"
say "docker save ${IMAGES[*]}"
docker save --output "$DIR/images.tar" "${IMAGES[@]}"
(cd "$DIR" && sha256sum images.tar >SHA256SUMS)
cp docker-compose.yml .env.example "$DIR/"
sed "s|@IMAGES@|$(printf '`%s`, ' "${IMAGES[@]}" | sed 's/, $//')|" deploy/bundle/INSTALL.md >"$DIR/INSTALL.md"
mkdir -p "$(dirname "$OUTPUT")"
tar -C "$STAGE" -czf "$OUTPUT.tmp" "wdt-k3-sync-${TAG}"
mv "$OUTPUT.tmp" "$OUTPUT"
say "wrote $OUTPUT ($(du -h "$OUTPUT" | cut -f1)): ${IMAGES[*]}"
echo "$OUTPUT"
