import { parseConfig } from '@wdt-k3/runtime';
import { z } from 'zod';
import { DATE_FORMATS } from './beijing-time.ts';
import { MAPPED_ENTRY_KEYS, MAPPED_HEADER_KEYS } from './k3-model.ts';
import { ORDER_TEXT_FIELDS, type OrderTextField } from './order-schema.ts';

/**
 * The mapping profile: every constant and table of the mapping, so each customer's K3 account
 * (its own org, customer, stock and material numbers) is served by configuration, not code
 * (mapping-spec.md). Every top-level key has the spec's value as its default, so a profile file
 * only names what differs; a key it names replaces the default's value as a whole.
 */

// Whole numbers are accepted because people write `stockOrg: 100` in YAML; the loader refuses
// numbers YAML would have altered (`0100`), so the text here is what the person wrote.
const k3Number = z
  .union([z.string(), z.int().nonnegative()], { error: 'expected a K3 number as text, e.g. "100"' })
  .transform((value) => String(value).trim())
  .pipe(z.string().min(1, 'must not be empty'));

const sourceField = z.enum(ORDER_TEXT_FIELDS);

/**
 * A record whose keys are checked by `keyProblem`. Checked in a refinement rather than with a key
 * schema because zod then only says "Invalid key in record"; runs even when values failed, so
 * every problem is listed.
 */
function checkedRecord<V extends z.ZodType>(value: V, keyProblem: (key: string) => string | null) {
  return z.record(z.string(), value).superRefine(
    (record, ctx) => {
      for (const key of Object.keys(record)) {
        const message = keyProblem(key);
        if (message !== null) ctx.addIssue({ code: 'custom', path: [key], message });
      }
    },
    { when: (payload) => isRecord(payload.value) },
  );
}

// K3 custom fields are named F<something> (`F_ora_Text2`, `F_USQR_TEXT`); anything else is a typo
// that K3 would ignore without a word.
const FIELD_KEY = /^F\w*$/;
const fieldRecord = <V extends z.ZodType>(value: V) =>
  checkedRecord(value, (key) =>
    FIELD_KEY.test(key) ? null : 'K3 field keys start with "F" and contain only letters, digits and _',
  );

// Order values are trimmed before the lookup, so a key with spaces around it could never match.
const numberTable = checkedRecord(k3Number, (key) => {
  if (key.trim() === '') return 'table keys must not be empty';
  return key === key.trim() ? null : 'table keys must not start or end with spaces';
});

function numberRule(defaultSource: OrderTextField) {
  const source = sourceField.default(defaultSource);
  return z.discriminatedUnion('mode', [
    z.strictObject({ mode: z.literal('as-is'), source, default: k3Number.optional() }),
    z
      .strictObject({
        mode: z.literal('table'),
        source,
        table: numberTable,
        default: k3Number.optional(),
      })
      .refine((rule) => Object.keys(rule.table).length > 0 || rule.default !== undefined, {
        message: 'a table rule needs at least one entry or a default',
        path: ['table'],
      }),
    z.strictObject({ mode: z.literal('constant'), value: k3Number }),
  ]);
}

export type NumberRule = z.output<ReturnType<typeof numberRule>>;

const orgRef = z.strictObject({ type: k3Number, number: k3Number });
const constants = fieldRecord(z.json());

export const mappingProfileSchema = z
  .strictObject({
    billType: k3Number.default('XSCKD01_SYS'),
    stockOrg: k3Number.default('100'),
    // Direct sales have no distributor, hence the fallback (docs/architecture.md).
    saleOrg: numberRule('fenxiao_nick').default(() => ({
      mode: 'as-is' as const,
      source: 'fenxiao_nick' as const,
      default: '100',
    })),
    customer: numberRule('nick_name').default(() => ({
      mode: 'as-is' as const,
      source: 'nick_name' as const,
    })),
    warehouse: numberRule('warehouse_no').default(() => ({
      mode: 'as-is' as const,
      source: 'warehouse_no' as const,
    })),
    materialKey: z.enum(['goods_no', 'spec_no']).default('goods_no'),
    stockStatus: k3Number.default('KCZT01_SYS'),
    owner: orgRef.default(() => ({ type: 'BD_OwnerOrg', number: '100' })),
    keeper: orgRef.nullable().default(null),
    link: z.strictObject({ ruleId: k3Number, sourceTable: k3Number, srcType: k3Number }).default(() => ({
      ruleId: 'SaleOrder-OutStock',
      sourceTable: 'T_SAL_ORDERENTRY',
      srcType: 'SAL_SaleOrder',
    })),
    dateFormat: z.enum(DATE_FORMATS).default('yyyy-MM-dd'),
    customHeaderFields: fieldRecord(sourceField).default(() => ({
      F_ora_Text2: 'logistics_no' as const,
      F_USQR_TEXT: 'src_trade_no' as const,
    })),
    extraFields: constants.default(() => ({})),
    extraEntryFields: constants.default(() => ({})),
    subHeadFields: constants.default(() => ({})),
  })
  .superRefine(rejectKeyCollisions, { when: (payload) => isRecord(payload.value) });

export type MappingProfile = z.output<typeof mappingProfileSchema>;

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * A constant whose key the mapping also writes (or that only differs in case, which K3 treats
 * as the same field) would silently win or lose against the mapped value; refuse it up front.
 * Runs even when other keys failed, so every problem of a profile is listed at once.
 */
function rejectKeyCollisions(profile: Record<string, unknown>, ctx: z.core.$RefinementCtx): void {
  const groups: [string, readonly string[], string[]][] = [
    ['header', MAPPED_HEADER_KEYS, ['customHeaderFields', 'extraFields']],
    ['entry', MAPPED_ENTRY_KEYS, ['extraEntryFields']],
  ];
  for (const [level, mapped, profileKeys] of groups) {
    const taken = new Map<string, string>(
      mapped.map((key) => [key.toLowerCase(), `the mapped ${level} field ${key}`]),
    );
    for (const profileKey of profileKeys) {
      const record = profile[profileKey];
      if (!isRecord(record)) continue;
      for (const key of Object.keys(record)) {
        const owner = taken.get(key.toLowerCase());
        if (owner !== undefined) {
          ctx.addIssue({ code: 'custom', path: [profileKey, key], message: `${key} collides with ${owner}` });
        } else {
          taken.set(key.toLowerCase(), `${profileKey}.${key}`);
        }
      }
    }
  }
}

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    for (const child of Object.values(value)) deepFreeze(child);
    Object.freeze(value);
  }
  return value;
}

/**
 * Validates a profile (missing keys take the default) and returns it frozen. Throws runtime's
 * `ConfigError` (`CONFIG_INVALID`) naming every problem, so a bad profile stops start-up.
 */
export function parseMappingProfile(input: unknown, source = 'mapping profile'): MappingProfile {
  return deepFreeze(parseConfig(mappingProfileSchema, input, source));
}

/** mapping-spec.md exactly, with the choices docs/architecture.md fixes. */
export const DEFAULT_MAPPING_PROFILE: MappingProfile = parseMappingProfile({});
