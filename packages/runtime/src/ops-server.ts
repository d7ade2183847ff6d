import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { collectDefaultMetrics, Registry } from 'prom-client';

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
  /** Readiness checks: `/health` and `/health/ready` answer 503 when any fails. */
  readonly checks: Readonly<Record<string, HealthCheck>>;
}

export interface OpsServer {
  readonly port: number;
  close(): Promise<void>;
}

/**
 * The small HTTP side-door of the extractor and the loader: `/metrics` (Prometheus text),
 * `/health/live` (the process answers), `/health` and `/health/ready` (the checks pass).
 */
export async function startOpsServer(options: OpsServerOptions): Promise<OpsServer> {
  const server: Server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    const reply = (status: number, contentType: string, body: string): void => {
      res.writeHead(status, { 'content-type': contentType });
      res.end(body);
    };
    if (req.method !== 'GET') return reply(405, 'text/plain', 'method not allowed');
    if (path === '/health/live') return reply(200, 'application/json', '{"ok":true}');
    if (path === '/health' || path === '/health/ready') {
      void runHealthChecks(options.checks).then((report) =>
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
    server.once('error', reject);
    server.listen(options.port, options.host, () => resolve());
  });
  return {
    port: (server.address() as AddressInfo).port,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
