# Stand-in for node:24-bookworm-slim, built by the deploy tier (deploy/engine/stand-ins.ts) where
# Docker Hub is unreachable. It has what our Dockerfile relies on from the official image: Debian
# bookworm, node and npm on PATH (Node from the npm package node-linux-<arch>, as
# scripts/toolchain.sh installs it), and a `node` user with uid and gid 1000.
FROM debian:bookworm-slim
RUN groupadd --gid 1000 node && useradd --uid 1000 --gid node --shell /bin/bash --create-home node
COPY node /usr/local/bin/node
COPY npm /usr/local/lib/node_modules/npm
RUN ln -s ../lib/node_modules/npm/bin/npm-cli.js /usr/local/bin/npm \
 && ln -s ../lib/node_modules/npm/bin/npx-cli.js /usr/local/bin/npx
# The test machines reach the npm registry through a TLS-inspecting proxy, so npm and pnpm in
# builds FROM this image must trust the host's CA bundle. Only the stand-in carries it: our own
# Dockerfile never does, and a real node:24-bookworm-slim has no such variable.
COPY host-ca-certificates.crt /usr/local/share/wdt-k3-stand-in/host-ca-certificates.crt
ENV NODE_EXTRA_CA_CERTS=/usr/local/share/wdt-k3-stand-in/host-ca-certificates.crt
CMD ["node"]
