import { describeCode } from '@wdt-k3/jobs';
import { z } from 'zod';
import { beijing, str } from './format.ts';
import { defineRule, type Finding, say } from './types.ts';

const SYSTEM_NAMES = { wdt: ['旺店通', 'WDT'], k3: ['金蝶云星空', 'K3Cloud'] } as const;

/**
 * WDT or K3 refusing who we are (wrong secret, app key, account, permission): nothing moves
 * until a person fixes the configuration, so it fires at once and is critical. WDT's refusal is
 * what the extractor records for its /health; K3's is what the loaders record (jobs signals).
 * It resolves with the first call the system accepts again.
 */
export const credentialsRule = defineRule({
  id: 'credentials-refused',
  severity: 'critical',
  needs: ['extractor', 'signals'],
  settings: z.strictObject({}),
  forMs: 0,
  doc: {
    'zh-CN': {
      name: '旺店通或金蝶拒绝了我们的凭证或配置',
      meaning:
        '旺店通（签名、app key、时间戳）或金蝶（登录、签名、权限、许可）拒绝了调用；修好之前没有订单能同步。',
      action:
        '核对 `WDT_APP_KEY` / `WDT_APP_SECRET` / `WDT_SID` 和主机时钟，或 `K3_*` 登录设置和集成用户的权限；改好后重启对应服务。金蝶拒绝期间失败的订单用 `wdt-k3 failed replay --code <代码>` 重放。',
    },
    en: {
      name: 'WDT or K3 refuses our credentials or configuration',
      meaning:
        'WDT (signature, app key, timestamp) or K3 (login, signature, permission, licence) refused the call; no order moves until it is fixed.',
      action:
        'Check `WDT_APP_KEY` / `WDT_APP_SECRET` / `WDT_SID` and the host clock, or the `K3_*` login settings and the integration user’s permissions; restart the service. Replay orders that failed meanwhile with `wdt-k3 failed replay --code <CODE>`.',
    },
  },
  evaluate: (snapshot) => {
    const found: Finding[] = [];
    const wdt = snapshot.extractor?.status.wdtRefusal;
    if (wdt)
      found.push({
        subject: 'wdt',
        value: 1,
        since: wdt.at,
        facts: { system: 'wdt', code: wdt.code, message: wdt.message.slice(0, 300) },
      });
    const k3 = snapshot.signals?.refusals.k3;
    if (k3)
      found.push({
        subject: 'k3',
        value: 1,
        since: k3.at,
        facts: { system: 'k3', code: k3.code, message: k3.message.slice(0, 300) },
      });
    return found;
  },
  describe: (finding, language) => {
    const system = finding.subject === 'k3' ? 'k3' : 'wdt';
    const name = SYSTEM_NAMES[system][language === 'en' ? 1 : 0];
    const code = str(finding.facts, 'code');
    const wdtAction = say(
      language,
      '核对 WDT_APP_KEY、WDT_APP_SECRET、WDT_SID；WDT_TIMESTAMP_INVALID 说明主机时钟偏差超过 10 分钟。改好后重启抽取服务，下一次定时抽取自动重试。',
      'Check WDT_APP_KEY, WDT_APP_SECRET and WDT_SID; WDT_TIMESTAMP_INVALID means the host clock is off by more than 10 minutes. Restart the extractor; the next tick retries.',
    );
    return {
      title: say(language, `凭证被拒：${name}`, `Credentials refused: ${name}`),
      summary: say(
        language,
        `${name} 自 ${beijing(finding.since, language)} 起拒绝我们的调用，订单同步已停。`,
        `${name} has refused our calls since ${beijing(finding.since, language)}; orders are not moving.`,
      ),
      fields: [
        [say(language, '错误代码', 'Code'), code],
        [say(language, '原始错误', 'Message'), str(finding.facts, 'message')],
      ],
      action: system === 'k3' ? describeCode(code, language).action : wdtAction,
    };
  },
  link: () => '/console',
  command: () => 'wdt-k3 status',
});
