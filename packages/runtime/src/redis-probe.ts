import { Redis, type RedisOptions } from 'ioredis';
import { type HostPort, type RedisSettings, redisTlsOptions } from './redis.ts';
import { RedisSetupError } from './redis-errors.ts';

/**
 * One-node probes for the start-up check: a short-lived connection that never retries, and what
 * its failures mean (refused credentials and failed TLS handshakes are settings to fix; anything
 * else is "does not answer", asked again until the start-up timeout).
 */
export const address = (node: HostPort): string => `${node.host}:${node.port}`;

/** Fields of an INFO answer (`key:value` lines). */
export function info(text: string): Record<string, string> {
  const fields: Record<string, string> = {};
  for (const line of text.split(/\r?\n/)) {
    const at = line.indexOf(':');
    if (at > 0 && !line.startsWith('#')) fields[line.slice(0, at)] = line.slice(at + 1).trim();
  }
  return fields;
}

/**
 * A TLS handshake that fails (an untrusted or mismatched certificate, TLS spoken to a plain port)
 * is a setting to fix, not an outage to wait out. Node names such failures by `code`.
 */
const isTlsError = (err: unknown): boolean => {
  const code = (err as { code?: unknown } | undefined)?.code;
  return (
    typeof code === 'string' &&
    (/^ERR_(SSL|TLS)_/.test(code) ||
      /CERT|SELF_SIGNED|UNABLE_TO_(GET|VERIFY)|DEPTH_ZERO/.test(code) ||
      code === 'EPROTO')
  );
};

const isAuthError = (err: unknown): boolean =>
  err instanceof Error && /WRONGPASS|NOAUTH|invalid password|invalid username-password/i.test(err.message);

/**
 * One short-lived connection to one node that never retries: the probe decides what a failure
 * means. Unreachable → undefined (try again until the deadline); refused credentials → fatal.
 */
export async function withNode<T>(
  node: HostPort,
  options: Pick<RedisOptions, 'username' | 'password' | 'tls'>,
  what: string,
  fn: (client: Redis) => Promise<T>,
): Promise<T | undefined> {
  const client = new Redis({
    host: node.host,
    port: node.port,
    ...options,
    lazyConnect: true,
    connectTimeout: 2_000,
    commandTimeout: 2_000,
    maxRetriesPerRequest: 0,
    enableOfflineQueue: false,
    enableReadyCheck: false,
    retryStrategy: () => null,
  });
  // A refused AUTH (sent with HELLO on connect) arrives as an `error` event; connect() then only
  // says "Connection is closed".
  let event: Error | undefined;
  client.on('error', (err: Error) => {
    event = err;
  });
  try {
    await client.connect();
    return await fn(client);
  } catch (caught) {
    const err = isAuthError(caught) ? caught : isAuthError(event) ? event : caught;
    const tlsError = [caught, event].find(isTlsError) as Error | undefined;
    if (tlsError !== undefined)
      throw new RedisSetupError(
        'REDIS_TLS_FAILED',
        `TLS with ${what} ${address(node)} failed: ${tlsError.message}`,
        { node: address(node) },
      );
    if (isAuthError(err))
      throw new RedisSetupError(
        'REDIS_AUTH_FAILED',
        `${what} ${address(node)} refused the credentials: ${(err as Error).message}`,
        {
          node: address(node),
        },
      );
    if (err instanceof RedisSetupError) throw err;
    return undefined;
  } finally {
    client.disconnect();
  }
}

export function dataOptions(settings: RedisSettings): Pick<RedisOptions, 'username' | 'password' | 'tls'> {
  const url = new URL(settings.url);
  const tls = redisTlsOptions(settings, 'data');
  return {
    ...(url.username === '' ? {} : { username: decodeURIComponent(url.username) }),
    ...(url.password === '' ? {} : { password: decodeURIComponent(url.password) }),
    ...(tls === undefined ? {} : { tls }),
  };
}

export function sentinelOptions(settings: RedisSettings): Pick<RedisOptions, 'password' | 'tls'> {
  const tls = redisTlsOptions(settings, 'sentinel');
  return {
    ...(settings.sentinelPassword === undefined ? {} : { password: settings.sentinelPassword }),
    ...(tls === undefined ? {} : { tls }),
  };
}
