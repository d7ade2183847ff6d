/**
 * Container healthcheck for every service of the image (Dockerfile HEALTHCHECK and
 * docker-compose.yml): `node deploy/healthcheck.ts [service]`. Without an argument the service is
 * read from PID 1's command line, so one check fits all six services. Exit 0 healthy, 1 not.
 * Uses Node's fetch: the slim image has no curl or wget.
 */
import { readFileSync } from 'node:fs';
import { probeUrl, serviceOfCommand } from './health-probe.ts';

const TIMEOUT_MS = 3_000;

function pidOneCommand(): string[] {
  try {
    return readFileSync('/proc/1/cmdline', 'utf8').split('\0');
  } catch {
    return [];
  }
}

const service = process.argv[2] ?? serviceOfCommand(pidOneCommand());
if (service === undefined) {
  process.stderr.write('healthcheck: cannot tell which service runs; pass its name as the argument\n');
  process.exit(1);
}
const target = probeUrl(service, process.env);
if ('problem' in target) {
  process.stderr.write(`healthcheck: ${target.problem}\n`);
  process.exit(1);
}
try {
  const response = await fetch(target.url, { signal: AbortSignal.timeout(TIMEOUT_MS) });
  if (!response.ok) {
    process.stderr.write(`healthcheck: ${target.url} answered ${response.status}\n`);
    process.exit(1);
  }
  process.exit(0);
} catch (error) {
  process.stderr.write(`healthcheck: ${target.url} failed: ${(error as Error).message}\n`);
  process.exit(1);
}
