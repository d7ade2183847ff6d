export type { Catalog, Customer, Distributor, Material, Salesman, Shop, Warehouse } from './catalog.ts';
export { createCatalog } from './catalog.ts';
export {
  createDataset,
  type Dataset,
  type DatasetOptions,
  type DatasetShape,
  DEFAULT_SHAPE,
  type SalesOrder,
  type SalesOrderEntry,
  type WdtOrderWire,
} from './dataset.ts';
export { formatMoney4 } from './format.ts';
export { createRandom, mix } from './random.ts';
