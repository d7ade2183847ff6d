# Stand-in for redis:7.4-alpine, built by the deploy tier (deploy/engine/stand-ins.ts) where
# Docker Hub is unreachable: Debian bookworm's redis-server (7.0, not 7.4; glibc, not Alpine),
# shaped like the official image where docker-compose.yml relies on it: redis-server and
# redis-cli on PATH, working dir and volume /data owned by the redis user, running as that user.
FROM debian:bookworm-slim
RUN apt-get update \
 && apt-get install -y --no-install-recommends redis-server \
 && rm -rf /var/lib/apt/lists/* \
 && mkdir /data && chown redis:redis /data
COPY redis-entrypoint.sh /usr/local/bin/docker-entrypoint.sh
WORKDIR /data
VOLUME /data
USER redis
EXPOSE 6379
ENTRYPOINT ["docker-entrypoint.sh"]
CMD ["redis-server"]
