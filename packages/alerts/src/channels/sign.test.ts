import { describe, expect, it } from 'vitest';
import { dingtalkSign } from './dingtalk.ts';
import { feishuSign } from './feishu.ts';
import { webhookSignature } from './webhook.ts';

// Vectors computed independently with Python's hmac/hashlib/base64 and urllib.parse.quote_plus,
// following the vendors' published algorithms (docs/reference/alert-channels.md).
describe('signatures', () => {
  it('DingTalk: HMAC-SHA256(secret, ts + "\\n" + secret), base64, URL-encoded', () => {
    expect(dingtalkSign('SEC0123456789abcdef', 1_700_000_000_000)).toBe(
      'TSZbRFUuvaSQaRKUpF970OPCb2%2FLcQAP3wOvwZIzBZk%3D',
    );
  });

  it('Feishu: HMAC-SHA256 keyed with ts + "\\n" + secret over nothing, base64', () => {
    expect(feishuSign('feishu-secret-1', 1_700_000_000)).toBe('O+NhcBzGQTPcmDxsV+GPHkM1FmChG6fUDNuJCOKB2pM=');
  });

  it('webhook: sha256=hex(HMAC(secret, ts + "." + body)), changing with any byte', () => {
    const a = webhookSignature('a-long-enough-secret', 1, '{"x":1}');
    expect(a).toMatch(/^sha256=[0-9a-f]{64}$/);
    expect(webhookSignature('a-long-enough-secret', 1, '{"x":2}')).not.toBe(a);
    expect(webhookSignature('a-long-enough-secret', 2, '{"x":1}')).not.toBe(a);
  });
});
