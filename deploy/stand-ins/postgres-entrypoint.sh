#!/bin/bash
# The official postgres image's first-start behaviour, as far as docker-compose.yml relies on it:
# on an empty PGDATA, initdb with POSTGRES_USER (default postgres) as superuser and
# POSTGRES_PASSWORD as its password (refusing a blank one), password login from the network,
# POSTGRES_DB (default: the user's name) created; later starts use the data as it is. No
# /docker-entrypoint-initdb.d, no *_FILE variables, no POSTGRES_HOST_AUTH_METHOD: compose uses none.
set -euo pipefail
first="${1:-}"
if [ "${first:0:1}" = '-' ]; then set -- postgres "$@"; fi
if [ "${1:-}" = postgres ] && [ ! -s "$PGDATA/PG_VERSION" ]; then
  user="${POSTGRES_USER:-postgres}"
  db="${POSTGRES_DB:-$user}"
  if [ -z "${POSTGRES_PASSWORD:-}" ]; then
    echo 'Error: Database is uninitialized and superuser password is not specified.' >&2
    echo '       You must specify POSTGRES_PASSWORD to a non-empty value for the superuser.' >&2
    exit 1
  fi
  mkdir -p "$PGDATA"
  chmod 700 "$PGDATA"
  initdb --username="$user" --pwfile=<(printf '%s\n' "$POSTGRES_PASSWORD") -D "$PGDATA"
  printf '\nhost all all all scram-sha-256\n' >>"$PGDATA/pg_hba.conf"
  # Socket only while setting up, so nothing connects over the network before the database exists.
  pg_ctl -D "$PGDATA" -o "-c listen_addresses=''" -w start
  if [ "$db" != postgres ]; then
    psql -v ON_ERROR_STOP=1 --no-psqlrc --username "$user" --dbname postgres --set db="$db" <<<'CREATE DATABASE :"db";'
  fi
  pg_ctl -D "$PGDATA" -m fast -w stop
  echo 'PostgreSQL init process complete; ready for start up.'
fi
exec "$@"
