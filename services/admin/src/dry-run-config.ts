import { type K3Settings, k3EnvFields, resolveK3Settings } from '@wdt-k3/k3cloud-client';
import { resolveWdtSettings, type WdtSettings, wdtEnvFields } from '@wdt-k3/wdt-client';
import { z } from 'zod';

/**
 * Settings of the dry-run route and the console's bill preview, part of the one schema in
 * config.ts: the WDT and K3 fragments their client packages own (the same names, defaults and
 * bounds as the extractor and the loader, so one env file serves all three), the loader's
 * MAPPING_PROFILE, and the link mode. WDT settings switch dry runs on; K3 settings add the
 * salesman and sales-order lookups to both.
 */
export const dryRunEnvFields = {
  ...wdtEnvFields,
  ...k3EnvFields,
  MAPPING_PROFILE: z.string().min(1).optional(),
  ADMIN_DRY_RUN_LINK_MODE: z.enum(['required', 'optional', 'off']).default('required'),
};

type DryRunEnv = z.output<z.ZodObject<typeof dryRunEnvFields>>;

/** What mapping an order needs, with or without WDT: the console's preview uses these alone. */
export interface MappingSettings {
  readonly k3: Pick<K3Settings, 'baseUrl' | 'auth' | 'requestTimeoutMs'> | null;
  readonly mappingProfilePath: string | undefined;
  readonly linkMode: 'required' | 'optional' | 'off';
}

export interface DryRunSettings extends MappingSettings {
  readonly wdt: WdtSettings;
}

const reporter =
  (problems: string[]) =>
  (key: string, message: string): void => {
    problems.push(`${key}: ${message}`);
  };

/** The profile, the link mode and K3 (when K3_BASE_URL is set); problems name a half-given K3 group. */
export function resolveMapping(env: DryRunEnv, problems: string[]): MappingSettings {
  const k3 = resolveK3Settings(env, reporter(problems), false);
  return {
    k3: k3 === null ? null : { baseUrl: k3.baseUrl, auth: k3.auth, requestTimeoutMs: k3.requestTimeoutMs },
    mappingProfilePath: env.MAPPING_PROFILE,
    linkMode: env.ADMIN_DRY_RUN_LINK_MODE,
  };
}

/** null when no WDT setting is given (dry runs off); problems name every half-given group. */
export function resolveDryRun(
  env: DryRunEnv,
  mapping: MappingSettings,
  problems: string[],
): DryRunSettings | null {
  const wdt = resolveWdtSettings(env, reporter(problems), false);
  return wdt === null ? null : { wdt, ...mapping };
}
