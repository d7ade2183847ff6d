import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError } from '@wdt-k3/runtime';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadMappingProfile } from './profile-loader.ts';
import { DEFAULT_MAPPING_PROFILE, parseMappingProfile } from './profile-schema.ts';

function problemsOf(run: () => unknown): readonly string[] {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).code).toBe('CONFIG_INVALID');
    return (error as ConfigError).problems;
  }
  throw new Error('expected a ConfigError');
}

describe('default mapping profile', () => {
  // The values of mapping-spec.md and docs/architecture.md, read off those documents.
  it.each([
    ['billType', 'XSCKD01_SYS'],
    ['stockOrg', '100'],
    ['saleOrg', { mode: 'as-is', source: 'fenxiao_nick', default: '100' }],
    ['customer', { mode: 'as-is', source: 'nick_name' }],
    ['warehouse', { mode: 'as-is', source: 'warehouse_no' }],
    ['materialKey', 'goods_no'],
    ['stockStatus', 'KCZT01_SYS'],
    ['owner', { type: 'BD_OwnerOrg', number: '100' }],
    ['keeper', null],
    ['link', { ruleId: 'SaleOrder-OutStock', sourceTable: 'T_SAL_ORDERENTRY', srcType: 'SAL_SaleOrder' }],
    ['dateFormat', 'yyyy-MM-dd'],
    ['customHeaderFields', { F_ora_Text2: 'logistics_no', F_USQR_TEXT: 'src_trade_no' }],
    ['extraFields', {}],
    ['extraEntryFields', {}],
    ['subHeadFields', {}],
  ] as const)('%s is %o', (key, expected) => {
    expect(DEFAULT_MAPPING_PROFILE[key]).toEqual(expected);
  });

  it('is frozen, so no caller can change the profile another order is mapped with', () => {
    expect(Object.isFrozen(DEFAULT_MAPPING_PROFILE)).toBe(true);
    expect(Object.isFrozen(DEFAULT_MAPPING_PROFILE.saleOrg)).toBe(true);
    expect(Object.isFrozen(DEFAULT_MAPPING_PROFILE.customHeaderFields)).toBe(true);
  });
});

describe('parseMappingProfile', () => {
  it('fills keys a profile leaves out from the default', () => {
    const profile = parseMappingProfile({ stockOrg: '200', materialKey: 'spec_no' });
    expect(profile).toEqual({ ...DEFAULT_MAPPING_PROFILE, stockOrg: '200', materialKey: 'spec_no' });
  });

  it('replaces a rule as a whole: a table rule does not inherit the default fallback', () => {
    const profile = parseMappingProfile({ saleOrg: { mode: 'table', table: { 分销商A: '101' } } });
    expect(profile.saleOrg).toEqual({ mode: 'table', source: 'fenxiao_nick', table: { 分销商A: '101' } });
  });

  it('lets a profile drop the spec custom fields a K3 account does not have', () => {
    expect(parseMappingProfile({ customHeaderFields: {} }).customHeaderFields).toEqual({});
  });

  it.each([
    ['stockOrg', 100, '100'],
    ['stockOrg', ' 100 ', '100'],
    ['billType', 'XSCKD02_SYS', 'XSCKD02_SYS'],
  ] as const)('%s %o is read as the K3 number %o', (key, value, expected) => {
    expect(parseMappingProfile({ [key]: value })[key]).toBe(expected);
  });

  it.each([
    ['constant', { mode: 'constant', value: '100' }],
    [
      'table with a default',
      { mode: 'table', source: 'shop_no', table: { tmall01: 'C001' }, default: 'C999' },
    ],
    ['as-is from another field', { mode: 'as-is', source: 'customer_name' }],
  ])('accepts a customer rule that is %s', (_, rule) => {
    expect(parseMappingProfile({ customer: rule }).customer).toEqual(rule);
  });

  it('accepts JSON constants for custom header, entry and sub-header fields', () => {
    const extras = {
      extraFields: { F_ora_Channel: '天猫', FBussinessType: 'NORMAL', F_abc_Flag: true },
      extraEntryFields: { FEntryTaxRate: 13, FUnitID: { FNumber: 'Pcs' } },
      subHeadFields: { FSettleCurrID: { FNumber: 'PRE001' } },
    };
    expect(parseMappingProfile(extras)).toMatchObject(extras);
  });

  it.each([
    ['an unknown top-level key', { salesOrg: {} }, ''],
    ['an empty K3 number', { stockOrg: '' }, 'stockOrg'],
    ['a fractional K3 number', { stockOrg: 100.5 }, 'stockOrg'],
    ['an unknown rule mode', { warehouse: { mode: 'lookup' } }, 'warehouse.mode'],
    [
      'a rule source that is not an order text field',
      { customer: { mode: 'as-is', source: 'buyer' } },
      'customer.source',
    ],
    ['a table without entries or default', { warehouse: { mode: 'table', table: {} } }, 'warehouse.table'],
    [
      'a table key with spaces',
      { warehouse: { mode: 'table', table: { ' WH1': 'CK01' } } },
      'warehouse.table. WH1',
    ],
    ['an unknown material key', { materialKey: 'barcode' }, 'materialKey'],
    ['an unsupported date format', { dateFormat: 'yyyy/MM/dd' }, 'dateFormat'],
    ['an owner without number', { owner: { type: 'BD_OwnerOrg' } }, 'owner.number'],
    ['an extra field not starting with F', { extraFields: { note: 'x' } }, 'extraFields.note'],
    ['an entry field not starting with F', { extraEntryFields: { 'F-x': 1 } }, 'extraEntryFields.F-x'],
    ['an extra field the mapping writes', { extraFields: { FBillNo: 'X' } }, 'extraFields.FBillNo'],
    ['a mapped field in other case', { extraFields: { FCUSTOMERID: 'X' } }, 'extraFields.FCUSTOMERID'],
    ['an entry field the mapping writes', { extraEntryFields: { FRealQty: 1 } }, 'extraEntryFields.FRealQty'],
    ['a constant over a custom field', { extraFields: { F_ora_Text2: 'x' } }, 'extraFields.F_ora_Text2'],
    [
      'a custom field over a mapped one',
      { customHeaderFields: { FNote: 'remark' } },
      'customHeaderFields.FNote',
    ],
  ])('rejects %s, naming where', (_, input, where) => {
    const problems = problemsOf(() => parseMappingProfile(input));
    expect(problems).toHaveLength(1);
    expect(problems[0]?.startsWith(where === '' ? 'Unrecognized key' : `${where}:`)).toBe(true);
  });

  it('says what is wrong with a table key instead of zod\'s "Invalid key in record"', () => {
    const problems = problemsOf(() =>
      parseMappingProfile({ warehouse: { mode: 'table', table: { ' WH1': 'CK01' } } }),
    );
    expect(problems).toEqual(['warehouse.table. WH1: table keys must not start or end with spaces']);
  });

  it('lists every problem of a profile at once', () => {
    const problems = problemsOf(() =>
      parseMappingProfile({
        stockOrg: '',
        customer: { mode: 'table', table: {} },
        dateFormat: 'dd.MM.yyyy',
        extraFields: { FBillNo: 'x', note: 'y' },
        colour: 'blue',
      }),
    );
    expect(problems).toHaveLength(6);
  });
});

describe('loadMappingProfile', () => {
  let dir = '';
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'mapping-profile-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  async function file(name: string, text: string): Promise<string> {
    const path = join(dir, name);
    await writeFile(path, text, 'utf8');
    return path;
  }

  const YAML_PROFILE = [
    'stockOrg: 200',
    'warehouse:',
    '  mode: table',
    '  table:',
    '    WH-HD01: CK001',
    '    华南仓: CK002',
    '  default: CK999',
    '',
  ].join('\n');

  it.each(['profile.yaml', 'profile.yml', 'PROFILE.YML'])(
    'reads %s and merges it over the default',
    async (name) => {
      const profile = await loadMappingProfile(await file(name, YAML_PROFILE));
      expect(profile).toEqual({
        ...DEFAULT_MAPPING_PROFILE,
        stockOrg: '200',
        warehouse: {
          mode: 'table',
          source: 'warehouse_no',
          table: { 'WH-HD01': 'CK001', 华南仓: 'CK002' },
          default: 'CK999',
        },
      });
    },
  );

  it('reads JSON', async () => {
    const path = await file('profile.json', JSON.stringify({ dateFormat: 'yyyy-MM-dd HH:mm:ss' }));
    expect((await loadMappingProfile(path)).dateFormat).toBe('yyyy-MM-dd HH:mm:ss');
  });

  async function loadProblems(path: string): Promise<readonly string[]> {
    const error: unknown = await loadMappingProfile(path).then(
      () => null,
      (caught: unknown) => caught,
    );
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).message).toContain(path);
    return (error as ConfigError).problems;
  }

  it.each([
    ['a wrong extension', 'profile.toml', 'stockOrg = "100"', 'expected a .json, .yaml or .yml file'],
    ['an empty file', 'empty.yaml', '  \n', 'the file is empty'],
    ['broken JSON', 'broken.json', '{"stockOrg": }', 'not valid JSON'],
    ['broken YAML', 'broken.yaml', 'stockOrg: [100\n', 'not valid YAML'],
    ['duplicate YAML keys', 'dup.yaml', 'stockOrg: "1"\nstockOrg: "2"\n', 'not valid YAML'],
    ['a YAML number with a leading zero', 'zero.yaml', 'stockOrg: 0100\n', 'quote it ("0100")'],
    ['an invalid value', 'bad.yaml', 'materialKey: barcode\n', 'materialKey:'],
  ])('fails with a ConfigError on %s', async (_, name, text, problem) => {
    const problems = await loadProblems(await file(name, text));
    expect(problems.some((line) => line.includes(problem))).toBe(true);
  });

  it('fails with a ConfigError when the file does not exist', async () => {
    const problems = await loadProblems(join(dir, 'missing.yaml'));
    expect(problems[0]).toContain('cannot read the file');
  });

  it('lists every problem in a file at once', async () => {
    const path = await file('many.yaml', 'stockOrg: ""\nmaterialKey: barcode\nextraFields:\n  note: x\n');
    expect(await loadProblems(path)).toHaveLength(3);
  });
});
