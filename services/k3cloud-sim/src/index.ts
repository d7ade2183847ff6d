export { buildK3SimApp, type K3SimApp, type K3SimOptions } from './app.ts';
export type { Deployment } from './auth/authenticate.ts';
export type { SimCredentials } from './auth/credentials.ts';
export { type K3SimConfig, loadConfig, simCredentials } from './config.ts';
export { type CostModelSettings, costModelSchema } from './cost-model.ts';
export { type FaultsConfig, faultsSchema } from './faults.ts';
