import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { collectDefaultMetrics, Registry } from 'prom-client';
import { ConfigError } from './config.ts';

/** A fresh prom-client registry with process metrics and a `service` label on every series. */
export function createMetricsRegistry(service: string): Registry {
  const registry = new Registry();
  registry.setDefaultLabels({ service });
  collectDefaultMetrics({ register: registry });
  return registry;
}

export interface HealthReport {
  readonly ok: boolean;
  readonly checks: Readonly<Record<string, { readonly ok: boolean; readonly detail?: string }>>;
}

export type HealthCheck = () => Promise<{ ok: boolean; detail?: string }>;

export async function runHealthChecks(checks: Readonly<Record<string, HealthCheck>>): Promise<HealthReport> {
  const entries = await Promise.all(
    Object.entries(checks).map(async ([name, check]) => {
      try {
        return [name, await check()] as const;
      } catch (err) {
        return [name, { ok: false, detail: err instanceof Error ? err.message : String(err) }] as const;
      }
    }),
  );
  return { ok: entries.every(([, result]) => result.ok), checks: Object.fromEntries(entries) };
}

export interface OpsServerOptions {
  readonly host: string;
  readonly port: number;
  readonly registry: Registry;
  /**
   * Readiness checks: `/health` and `/health/ready` answer 503 when any fails. Absent: the
   * service is still starting (503 `starting`) until `setChecks` is called.
   */
  readonly checks?: Readonly<Record<string, HealthCheck>>;
}

export interface OpsServer {
  readonly port: number;
  /** The readiness checks, once what they check exists. */
  setChecks(checks: Readonly<Record<string, HealthCheck>>): void;
  close(): Promise<void>;
}

const STARTING: Readonly<Record<string, HealthCheck>> = {
  starting: async () => ({ ok: false, detail: 'the service is starting' }),
};

/**
 * Why a listen failed, in the words of the settings that caused it, as a ConfigError (one line
 * through configOrExit): `OPS_PORT: 0.0.0.0:9102 is already in use by another process…`.
 */
export function listenError(
  err: unknown,
  keys: { readonly host: string; readonly port: string },
  host: string,
  port: number,
): ConfigError {
  const code = (err as { code?: unknown }).code;
  const where = `${host}:${port}`;
  const problem =
    code === 'EADDRINUSE'
      ? `${keys.port}: ${where} is already in use by another process; choose a free port`
      : code === 'EACCES'
        ? `${keys.port}: not allowed to listen on ${where} (ports below 1024 need privileges)`
        : code === 'EADDRNOTAVAIL'
          ? `${keys.host}: ${host} is not an address of this machine`
          : code === 'ENOTFOUND' || code === 'EAI_AGAIN'
            ? `${keys.host}: ${host} does not resolve to an address`
            : `${keys.host}/${keys.port}: cannot listen on ${where}: ${err instanceof Error ? err.message : String(err)}`;
  return new ConfigError([problem], 'listen');
}

/**
 * The small HTTP side-door of every service: `/metrics` (Prometheus text), `/health/live` (the
 * process answers), `/health` and `/health/ready` (the checks pass). Services open it first,
 * before they take any job, so a port in use or a bad host stops the start (a ConfigError, one
 * line through configOrExit) instead of failing after work began.
 */
export async function startOpsServer(options: OpsServerOptions): Promise<OpsServer> {
  let checks = options.checks ?? STARTING;
  const server: Server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    const reply = (status: number, contentType: string, body: string): void => {
      res.writeHead(status, { 'content-type': contentType });
      res.end(body);
    };
    if (req.method !== 'GET') return reply(405, 'text/plain', 'method not allowed');
    if (path === '/health/live') return reply(200, 'application/json', '{"ok":true}');
    if (path === '/health' || path === '/health/ready') {
      void runHealthChecks(checks).then((report) =>
        reply(report.ok ? 200 : 503, 'application/json', JSON.stringify(report)),
      );
      return;
    }
    if (path === '/metrics') {
      void options.registry
        .metrics()
        .then((text) => reply(200, options.registry.contentType, text))
        .catch((err: unknown) => reply(500, 'text/plain', String(err)));
      return;
    }
    reply(404, 'text/plain', 'not found');
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', (err) =>
      reject(listenError(err, { host: 'OPS_HOST', port: 'OPS_PORT' }, options.host, options.port)),
    );
    server.listen(options.port, options.host, () => resolve());
  });
  return {
    port: (server.address() as AddressInfo).port,
    setChecks: (next) => {
      checks = next;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
