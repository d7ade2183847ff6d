import { z } from 'zod';

export const ROBOT_TYPES = ['dingtalk', 'wecom', 'feishu', 'slack', 'webhook'] as const;
export type RobotType = (typeof ROBOT_TYPES)[number];

/**
 * One robot the simulator answers for. `token` is what its URL carries: DingTalk's
 * `access_token`, WeCom's `key`, Feishu's hook token, Slack's `T…/B…/…` path, the webhook's name.
 */
export const robotSchema = z.strictObject({
  name: z.string().regex(/^[a-z0-9][a-z0-9_-]{0,39}$/),
  type: z.enum(ROBOT_TYPES),
  token: z.string().min(1).max(200),
  /** DingTalk 加签 (SEC…), Feishu 签名校验, the webhook's HMAC key. */
  secret: z.string().min(1).optional(),
  /** DingTalk / Feishu 自定义关键词: a message must contain one (DingTalk allows up to 10). */
  keywords: z.array(z.string().min(1)).max(10).optional(),
});
export type Robot = z.output<typeof robotSchema>;

/** The vendors' limits the simulator enforces (docs/reference/alert-channels.md). */
export const LIMITS: Readonly<
  Record<RobotType, { perMinute: number; perSecond: number | null; throttleMs: number; maxBodyBytes: number }>
> = {
  // Over 20 a minute DingTalk mutes the robot for 10 minutes. Its body limit is not documented:
  // 20,000 bytes, the figure public clients report.
  dingtalk: { perMinute: 20, perSecond: null, throttleMs: 10 * 60_000, maxBodyBytes: 20_000 },
  wecom: { perMinute: 20, perSecond: null, throttleMs: 0, maxBodyBytes: 1_000_000 },
  feishu: { perMinute: 100, perSecond: 5, throttleMs: 0, maxBodyBytes: 20 * 1024 },
  slack: { perMinute: 60, perSecond: 1, throttleMs: 0, maxBodyBytes: 1_000_000 },
  webhook: { perMinute: 600, perSecond: null, throttleMs: 0, maxBodyBytes: 1_000_000 },
};

/** The demo robots of a bare start: one of each kind, with documented, non-secret credentials. */
export const DEMO_ROBOTS: readonly Robot[] = [
  {
    name: 'dingtalk',
    type: 'dingtalk',
    token: 'demo-dingtalk-token',
    secret: 'SECdemo-robot-sim-not-a-secret',
    keywords: ['wdt-k3', '告警'],
  },
  { name: 'wecom', type: 'wecom', token: 'demo-wecom-key' },
  { name: 'feishu', type: 'feishu', token: 'demo-feishu-token', secret: 'demo-feishu-secret' },
  { name: 'slack', type: 'slack', token: 'TDEMO/BDEMO/demo-slack' },
  { name: 'webhook', type: 'webhook', token: 'demo', secret: 'demo-webhook-secret-not-a-secret' },
];
