# Stand-in for postgres:18-bookworm, built by the deploy tier (deploy/engine/stand-ins.ts) where
# Docker Hub is unreachable: Debian bookworm's PostgreSQL 15 (not 18), shaped like the official
# image where docker-compose.yml relies on it: POSTGRES_USER, POSTGRES_PASSWORD and POSTGRES_DB
# honoured on the first start (initdb into the volume; a blank password refused), the 18+ layout
# (VOLUME /var/lib/postgresql, PGDATA /var/lib/postgresql/<major>/docker), listening on 5432 on
# every interface, pg_isready on PATH, user postgres (uid 999 as there), SIGINT to stop.
FROM debian:bookworm-slim
RUN groupadd --system --gid 999 postgres \
 && useradd --system --uid 999 --gid postgres --home-dir /var/lib/postgresql --shell /bin/bash postgres \
 && install -d -o postgres -g postgres -m 1777 /var/lib/postgresql
# Debian's packaging creates and starts a cluster of its own on install unless told not to.
RUN apt-get update \
 && apt-get install -y --no-install-recommends postgresql-common \
 && sed -ri 's/^#?\s*create_main_cluster\s*=.*/create_main_cluster = false/' /etc/postgresql-common/createcluster.conf \
 && apt-get install -y --no-install-recommends postgresql-15 \
 && rm -rf /var/lib/apt/lists/* \
 && sed -ri "s!^#?(listen_addresses)\s*=\s*\S+.*!\1 = '*'!" /usr/share/postgresql/15/postgresql.conf.sample \
 && install -d -o postgres -g postgres -m 3777 /var/run/postgresql
# C.UTF-8 is built into bookworm's glibc (no locales package): initdb then picks UTF8, as the
# official image's en_US.utf8 does; only the collation differs.
ENV PG_MAJOR=15 LANG=C.UTF-8
ENV PATH=/usr/lib/postgresql/15/bin:$PATH PGDATA=/var/lib/postgresql/15/docker
COPY postgres-entrypoint.sh /usr/local/bin/docker-entrypoint.sh
VOLUME /var/lib/postgresql
USER postgres
EXPOSE 5432
STOPSIGNAL SIGINT
ENTRYPOINT ["docker-entrypoint.sh"]
CMD ["postgres"]
