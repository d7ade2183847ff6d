import type { Logger } from '@wdt-k3/runtime';

/** How the client authenticates; see the README for which K3 setting each mode needs. */
export type K3Auth =
  | {
      /** Per-request signature headers (第三方系统登录授权); no login call. */
      readonly kind: 'signature';
      readonly acctId: string;
      readonly username: string;
      readonly appId: string;
      readonly appSecret: string;
      readonly lcid?: number;
      readonly orgNum?: number;
    }
  | {
      /** AuthService.LoginByAppSecret, then the kdservice-sessionid session. */
      readonly kind: 'appSecret';
      readonly acctId: string;
      readonly username: string;
      readonly appId: string;
      readonly appSecret: string;
      readonly lcid?: number;
    }
  | {
      /** AuthService.ValidateUser with a password. */
      readonly kind: 'password';
      readonly acctId: string;
      readonly username: string;
      readonly password: string;
      readonly lcid?: number;
    }
  | {
      /** AuthService.LoginBySign (SHA-256 over the sorted credentials and a seconds timestamp). */
      readonly kind: 'sign';
      readonly acctId: string;
      readonly username: string;
      readonly appId: string;
      readonly appSecret: string;
      readonly lcid?: number;
    };

export interface K3CloudClientOptions {
  /** Site root ending in `/k3cloud/` (trailing slash optional), e.g. `http://erp.example.com/k3cloud/`. */
  readonly baseUrl: string;
  readonly auth: K3Auth;
  /** Per HTTP exchange; K3 SDKs default to 120 s. */
  readonly requestTimeoutMs?: number;
  /** Calls in flight at once from this client (also its socket bound). */
  readonly maxConcurrentRequests?: number;
  /** Longest answer read; a longer one fails as K3_BAD_RESPONSE (ambiguous for a write). Default 32 MiB. */
  readonly maxResponseBytes?: number;
  readonly logger?: Logger;
}

/** BatchSave `data` options (reference §4), camel-cased; unset ones are not sent. */
export interface BatchSaveOptions {
  readonly needReturnFields?: readonly string[];
  readonly needUpdateFields?: readonly string[];
  readonly isDeleteEntry?: boolean;
  readonly subSystemId?: string;
  readonly isVerifyBaseDataField?: boolean;
  readonly isEntryBatchFill?: boolean;
  readonly validateFlag?: boolean;
  readonly numberSearch?: boolean;
  readonly isAutoAdjustField?: boolean;
  readonly interationFlags?: string;
  readonly ignoreInterationFlag?: boolean;
  readonly isControlPrecision?: boolean;
  readonly validateRepeatJson?: boolean;
  readonly isAutoSubmitAndAudit?: boolean;
  readonly batchCount?: number;
}

export type BillOutcome =
  | { readonly index: number; readonly status: 'saved'; readonly id: number; readonly number: string }
  /** MsgCode 11 "违反字段唯一性要求…已经被使用" on FBillNo: a bill with this number already exists. */
  | {
      readonly index: number;
      readonly status: 'duplicate';
      readonly number: string | null;
      readonly message: string;
    }
  /** `errors` is empty when K3 reported nothing for this bill: its fate is unknown, look it up. */
  | {
      readonly index: number;
      readonly status: 'failed';
      readonly msgCode: number | null;
      readonly errors: ReadonlyArray<{ readonly field: string | null; readonly message: string }>;
    };

export interface BatchSaveResult {
  /** One outcome per model, index-aligned with the models (K3's DIndex). */
  readonly bills: readonly BillOutcome[];
}

export interface BillQuery {
  readonly formId: string;
  readonly fieldKeys: readonly string[];
  readonly filterString?: string;
  readonly orderString?: string;
  /** 0-based first row. */
  readonly startRow?: number;
  /** Rows per call; 0 or unset means K3's default (all). */
  readonly limit?: number;
}

export type PagedBillQuery = Omit<BillQuery, 'startRow' | 'limit'>;

/** Submit / Audit / Delete target: bill numbers, or internal ids. */
export interface OperationTarget {
  readonly numbers?: readonly string[];
  readonly ids?: readonly number[];
}

export interface OperationResult {
  readonly ok: boolean;
  readonly msgCode: number | null;
  readonly successes: ReadonlyArray<{
    readonly id: number;
    readonly number: string | null;
    readonly index: number;
  }>;
  readonly errors: ReadonlyArray<{
    readonly field: string | null;
    readonly message: string;
    readonly index: number;
  }>;
}

export interface ViewResult extends OperationResult {
  /** The bill as K3 shows it (`Result.Result`), or null when not found. */
  readonly bill: Readonly<Record<string, unknown>> | null;
}

export interface K3CloudClient {
  batchSave(
    formId: string,
    models: readonly object[],
    options?: BatchSaveOptions & { readonly signal?: AbortSignal },
  ): Promise<BatchSaveResult>;
  executeBillQuery(query: BillQuery, signal?: AbortSignal): Promise<unknown[][]>;
  /** Pages with StartRow/Limit until a short page. Keep an OrderString for stable pages. */
  queryAll(query: PagedBillQuery, pageSize?: number, signal?: AbortSignal): Promise<unknown[][]>;
  view(
    formId: string,
    target: { readonly number?: string; readonly id?: number },
    signal?: AbortSignal,
  ): Promise<ViewResult>;
  submit(formId: string, target: OperationTarget, signal?: AbortSignal): Promise<OperationResult>;
  audit(formId: string, target: OperationTarget, signal?: AbortSignal): Promise<OperationResult>;
  delete(formId: string, target: OperationTarget, signal?: AbortSignal): Promise<OperationResult>;
  /** Releases the keep-alive sockets. */
  close(): void;
}
