export { type BillDisposition, classifyBillOutcome, isDuplicateBillNumberMessage } from './batch-save.ts';
export { createK3CloudClient } from './client.ts';
export {
  K3_AUTH_KINDS,
  K3_LCIDS,
  type K3Env,
  type K3Settings,
  k3EnvFields,
  k3EnvSchema,
  k3RequiredEnvFields,
  type ReportProblem as K3ReportProblem,
  resolveK3Settings,
} from './env.ts';
export { isK3Error, K3_ERROR_CODES, K3Error, type K3ErrorCode, type K3ErrorOptions } from './errors.ts';
export {
  findBillIds,
  findCustomerSellers,
  findSalesOrders,
  inFilter,
  type SalesOrderRecord,
} from './reads.ts';
export {
  apiStringToSign,
  buildSignatureHeaders,
  decodeClientSecret,
  hmacSha256Base64Hex,
  loginBySignSign,
  type SignatureCredentials,
  type SignatureInput,
} from './signature.ts';
export type {
  BatchSaveOptions,
  BatchSaveResult,
  BillOutcome,
  BillQuery,
  K3Auth,
  K3CloudClient,
  K3CloudClientOptions,
  OperationResult,
  OperationTarget,
  PagedBillQuery,
  ViewResult,
} from './types.ts';
