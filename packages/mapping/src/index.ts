export { type BeijingDateTime, DATE_FORMATS, type DateFormat, parseBeijingDateTime } from './beijing-time.ts';
export { Decimal } from './decimal.ts';
export { isMapIssueCode, MAP_ISSUE_CODES, type MapIssueCode, type MappingIssue } from './errors.ts';
export type {
  JsonValue,
  K3NumberRef,
  SalOutstockEntry,
  SalOutstockLink,
  SalOutstockModel,
} from './k3-model.ts';
export type { LinkMode, SalesOrderLookup } from './links.ts';
export {
  type MappingLookups,
  type MappingResult,
  mapStockoutToSalOutstock,
  withoutLookups,
} from './map-stockout.ts';
export {
  ORDER_TEXT_FIELDS,
  type OrderTextField,
  parseWdtStockoutOrder,
  type WdtStockoutDetail,
  type WdtStockoutOrder,
  wdtStockoutDetailSchema,
  wdtStockoutOrderSchema,
} from './order-schema.ts';
export { loadMappingProfile } from './profile-loader.ts';
export {
  DEFAULT_MAPPING_PROFILE,
  type MappingProfile,
  mappingProfileSchema,
  type NumberRule,
  parseMappingProfile,
} from './profile-schema.ts';
export { resolveLookupKeys } from './resolve.ts';
