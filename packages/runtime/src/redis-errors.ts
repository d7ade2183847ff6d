import { AppError, type ErrorContext } from './app-error.ts';

/**
 * Every code the Redis start-up check raises, with what it means and what a person does, in
 * English and Chinese (operators read the fatal log line). Kept in sync with README.md by a test.
 */
export const REDIS_ERRORS = {
  REDIS_UNAVAILABLE: {
    retryable: true,
    en: 'No Redis node named by the settings answered before REDIS_STARTUP_TIMEOUT_MS.',
    zh: '在 REDIS_STARTUP_TIMEOUT_MS 内，配置中的 Redis 节点都没有响应。',
    action:
      'Check the addresses (REDIS_URL, REDIS_SENTINELS, REDIS_CLUSTER_NODES), the network and that Redis runs.',
  },
  REDIS_MODE_MISMATCH: {
    retryable: false,
    en: 'REDIS_MODE says one topology, the address answers as another (a standalone Redis, a Cluster node, a Sentinel or a replica).',
    zh: 'REDIS_MODE 与实际连接到的 Redis 类型不符（单机、集群节点、哨兵或只读副本）。',
    action: 'Set REDIS_MODE to what the address is, or point the address at the right node.',
  },
  REDIS_SENTINEL_MASTER_UNKNOWN: {
    retryable: false,
    en: 'The sentinels answer but none monitors a master named REDIS_SENTINEL_NAME.',
    zh: '哨兵可以连接，但没有一个哨兵监控名为 REDIS_SENTINEL_NAME 的主节点。',
    action: 'Set REDIS_SENTINEL_NAME to a name the sentinels know (the error lists them).',
  },
  REDIS_AUTH_FAILED: {
    retryable: false,
    en: 'Redis (or a sentinel) refused the user or password.',
    zh: 'Redis（或哨兵）拒绝了用户名或密码。',
    action: 'Fix the user and password in REDIS_URL (data nodes) or REDIS_SENTINEL_PASSWORD (sentinels).',
  },
  REDIS_TLS_FAILED: {
    retryable: false,
    en: 'The TLS handshake with a node failed: a certificate not signed by a trusted CA, a name that does not match, or TLS spoken to a plain port (or the reverse).',
    zh: '与 Redis 节点的 TLS 握手失败：证书不受信任、证书名称不符，或对非 TLS 端口使用了 TLS（或相反）。',
    action:
      'Use rediss:// only for TLS ports, give the CA in REDIS_TLS_CA_FILE, set REDIS_SENTINEL_TLS to what the sentinels speak.',
  },
  REDIS_CLUSTER_DOWN: {
    retryable: true,
    en: 'The cluster nodes answer but report cluster_state:fail (slots not served) until the start-up timeout.',
    zh: '集群节点可以连接，但直到启动超时一直报告 cluster_state:fail（有槽位无人服务）。',
    action: 'Repair the cluster (CLUSTER INFO, redis-cli --cluster check), then start the service again.',
  },
} as const satisfies Record<string, { retryable: boolean; en: string; zh: string; action: string }>;

export type RedisErrorCode = keyof typeof REDIS_ERRORS;
export const REDIS_ERROR_CODES = Object.keys(REDIS_ERRORS) as RedisErrorCode[];

export class RedisSetupError extends AppError {
  override readonly name = 'RedisSetupError';
  declare readonly code: RedisErrorCode;

  constructor(code: RedisErrorCode, message: string, context?: ErrorContext) {
    super(code, message, {
      retryable: REDIS_ERRORS[code].retryable,
      ...(context === undefined ? {} : { context }),
    });
  }
}
