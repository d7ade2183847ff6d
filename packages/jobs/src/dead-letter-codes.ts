import { K3_ERROR_CODES, type K3ErrorCode } from '@wdt-k3/k3cloud-client';
import { MAP_ISSUE_CODES, type MapIssueCode } from '@wdt-k3/mapping';
import { JOB_ERROR_CODES, type JobErrorCode } from './errors.ts';
import { ORDER_ERROR_CODES, type OrderErrorCode } from './order-codes.ts';

/**
 * The closed catalogue of every code a dead letter (or an order's failed attempt) can carry: the
 * union of the mapping's issue codes, the K3 client's call failures, the loader's order codes and
 * the job catalog's. Each has what a person reads — a title, what it means, what to do — in
 * Chinese and English. One source for the admin API, the CLI, alerts and the console.
 */
export type DeadLetterCode = MapIssueCode | K3ErrorCode | OrderErrorCode | JobErrorCode;

export const LANGUAGES = ['zh-CN', 'en'] as const;
export type Language = (typeof LANGUAGES)[number];

export interface CodeText {
  /** A few words, for a heading or a chat message. */
  readonly title: string;
  /** What happened, in the reader's terms. */
  readonly meaning: string;
  /** What a person does about it. */
  readonly action: string;
}

export interface CodeDescription extends CodeText {
  readonly code: string;
  /** false: not a member of the catalogue (a dead letter written by an older version). */
  readonly known: boolean;
  /** The order may heal without anyone (retried, or replayed by the parked sweep). */
  readonly healsBySelf: boolean;
}

interface Entry {
  readonly zh: CodeText;
  readonly en: CodeText;
  readonly healsBySelf?: boolean;
}

const t = (title: string, meaning: string, action: string): CodeText => ({ title, meaning, action });

const ENTRIES = {
  // ── mapping (packages/mapping/README.md, "Issue codes") ──
  MAP_INVALID_FIELD: {
    zh: t(
      '字段格式不对',
      '旺店通订单里有字段的值类型不对（该是文本的地方是对象、status 不是数字、details_list 不是列表等）。',
      '在旺店通里核对这张出库单；如果接口返回的格式变了，请反馈给实施人员。核对后重放。',
    ),
    en: t(
      'Malformed field',
      'A field of the WDT order has the wrong kind of value (an object where text belongs, a non-numeric status, details_list not a list).',
      'Look at the order in WDT. If the feed changed shape, report it: the schema needs a change. Then replay.',
    ),
  },
  MAP_MISSING_STOCKOUT_ID: {
    zh: t(
      '缺少出库单ID',
      '订单没有 stockout_id，无法去重。',
      '按 order_no 在旺店通里找到这张出库单并检查接口数据；若是无效记录，作废它。',
    ),
    en: t(
      'No stockout_id',
      'stockout_id is missing or empty, so the record cannot be de-duplicated.',
      'Find the stock-out in WDT by order_no and check the feed. Discard it if the record is bogus.',
    ),
  },
  MAP_MISSING_ORDER_NO: {
    zh: t(
      '缺少出库单号',
      'order_no 为空，生成不了金蝶单据编号 FBillNo。',
      '在旺店通里检查这张出库单；有了单号后重放，否则作废。',
    ),
    en: t(
      'No order_no',
      'order_no is missing or blank, so there is no FBillNo.',
      'Check the stock-out in WDT. Replay once it has a number, or discard it.',
    ),
  },
  MAP_INVALID_CONSIGN_TIME: {
    zh: t(
      '发货时间无效',
      'consign_time 缺失、是零日期，或不是有效的 yyyy-MM-dd HH:mm:ss。',
      '订单可能还没真正发货，或旺店通给了错误时间。等旺店通里有发货时间后重放。',
    ),
    en: t(
      'Bad consign time',
      'consign_time is missing, the zero date, or not a real yyyy-MM-dd HH:mm:ss.',
      'The order has not really shipped, or WDT sent a bad time. Wait for the ship time in WDT, then replay.',
    ),
  },
  MAP_EMPTY_DETAILS: {
    zh: t(
      '没有明细行',
      'details_list 缺失或为空，没有明细的出库单不能生成金蝶单据。',
      '在旺店通里检查；如果那边有明细，重放；否则作废。',
    ),
    en: t(
      'No detail rows',
      'details_list is missing or empty; a stock-out without rows cannot be a K3 bill.',
      'Check WDT. If rows exist there, replay; otherwise discard.',
    ),
  },
  MAP_MISSING_REC_ID: {
    zh: t('明细缺少 rec_id', '有一行明细没有 rec_id。', '在旺店通里检查这一行；接口返回后重放。'),
    en: t(
      'Row without rec_id',
      'A detail row has no rec_id.',
      'Check the row in WDT. Replay when the feed sends it.',
    ),
  },
  MAP_DUPLICATE_REC_ID: {
    zh: t(
      '明细 rec_id 重复',
      '两行明细的 rec_id 相同，旺店通把同一行发了两次。',
      '与旺店通里的订单对比，数据正常后再重放。不要手工录入，否则库存会被扣两次。',
    ),
    en: t(
      'Duplicate rec_id',
      'Two detail rows have the same rec_id: WDT sent a row twice.',
      'Compare with the order in WDT, then replay once the feed is clean. Never post it by hand, or stock would be counted twice.',
    ),
  },
  MAP_INVALID_QUANTITY: {
    zh: t(
      '数量无效',
      'goods_count 缺失、不是数字、小于等于 0，或超过 15 位有效数字。',
      '在旺店通里改正数量（数量为 0 的行不应出现在出库单上），然后重放。',
    ),
    en: t(
      'Bad quantity',
      'goods_count is missing, not a number, 0 or less, or has more than 15 significant digits.',
      'Correct the quantity in WDT (a 0-quantity row should not be on a stock-out), then replay.',
    ),
  },
  MAP_INVALID_PRICE: {
    zh: t(
      '单价无效',
      'sell_price 缺失、不是数字、为负数，或超过 15 位有效数字。',
      '在旺店通里改正单价（赠品单价为 0，不能为负），然后重放。',
    ),
    en: t(
      'Bad price',
      'sell_price is missing, not a number, negative, or has more than 15 significant digits.',
      'Correct the price in WDT. Gifts are 0, not negative. Then replay.',
    ),
  },
  MAP_INVALID_NUMBER: {
    zh: t(
      '金额字段无效（已不再使用）',
      '旧版本的代码：单据不用的金额字段不是数字；现在这些字段按原样保留。',
      '直接重放：订单现在可以解析。',
    ),
    en: t(
      'Bad money field (no longer raised)',
      'An older code: a money field the bill does not carry was not a number; those are now kept as received.',
      'Replay: the order now parses.',
    ),
  },
  MAP_MISSING_SALE_ORG: {
    zh: t(
      '缺少销售组织',
      '销售组织的来源字段为空，映射方案也没有默认值。',
      '给映射方案的 saleOrg 加一个默认值，或在旺店通里补上该字段，然后重放。',
    ),
    en: t(
      'No sale org',
      'The sale-org source field is empty and the rule has no default.',
      'Add a default to saleOrg, or fill the field in WDT. Replay.',
    ),
  },
  MAP_UNMAPPED_SALE_ORG: {
    zh: t(
      '销售组织未映射',
      '销售组织的值不在映射方案的 saleOrg 对照表里，也没有默认值。',
      '把这个值加到对照表（重启装载服务），然后重放。',
    ),
    en: t(
      'Sale org not mapped',
      'The sale-org value is not in the saleOrg table and there is no default.',
      'Add the value to the table (restart the loaders), then replay.',
    ),
  },
  MAP_MISSING_CUSTOMER: {
    zh: t(
      '缺少客户',
      '客户的来源字段（nick_name）为空，映射方案也没有默认值。淘宝订单经奇门通常不返回 nick_name。',
      '在旺店通里补上客户，或给映射方案的 customer 规则加对照表或默认值（例如散客），然后重放。',
    ),
    en: t(
      'No customer',
      'The customer source field (nick_name) is empty and the rule has no default (Taobao orders over Qimen withhold it).',
      'Fill the customer in WDT, or give the profile’s customer rule a table or a default (e.g. a walk-in customer). Replay.',
    ),
  },
  MAP_UNMAPPED_CUSTOMER: {
    zh: t(
      '客户未映射',
      '客户的值不在映射方案的 customer 对照表里，也没有默认值。',
      '把它加到对照表（或先在金蝶建客户再加对照，重启装载服务），然后重放。',
    ),
    en: t(
      'Customer not mapped',
      'The customer value is not in the customer table and there is no default.',
      'Add it to the table, or create the customer in K3 and the table entry (restart the loaders). Replay.',
    ),
  },
  MAP_MISSING_WAREHOUSE: {
    zh: t(
      '缺少仓库',
      'warehouse_no（或规则的来源字段）为空，也没有默认值。',
      '在旺店通里检查出库单上的仓库，或加一个默认值，然后重放。',
    ),
    en: t(
      'No warehouse',
      'warehouse_no (or the rule’s source) is empty and there is no default.',
      'Check the warehouse on the stock-out in WDT, or add a default. Replay.',
    ),
  },
  MAP_UNMAPPED_WAREHOUSE: {
    zh: t(
      '仓库未映射',
      '仓库不在映射方案的 warehouse 对照表里，也没有默认值。',
      '把旺店通仓库和对应的金蝶仓库编码加到对照表（重启装载服务），然后重放。',
    ),
    en: t(
      'Warehouse not mapped',
      'The warehouse is not in the warehouse table and there is no default.',
      'Add the WDT warehouse and its K3 stock number to the table (restart the loaders). Replay.',
    ),
  },
  MAP_EMPTY_MATERIAL_KEY: {
    zh: t(
      '明细缺少物料编码',
      '有一行没有 goods_no（按规格编码对应物料时是没有 spec_no）。',
      '在旺店通里给货品编号；如果这个账套按规格编码对应物料，改映射方案的 materialKey。然后重放。',
    ),
    en: t(
      'Row without a material number',
      'A row has no goods_no (or no spec_no under materialKey: spec_no).',
      'Give the goods a number in WDT, or switch materialKey if this account keys materials by SKU. Replay.',
    ),
  },
  MAP_LINK_SOURCE_MISSING: {
    zh: t(
      '找不到源销售订单',
      '关联模式为 required，但金蝶里没有单号为 src_trade_no 的销售订单，或订单没有 src_trade_no。',
      '销售订单常常只是还没同步到金蝶，系统会先重试。一直找不到时，在金蝶里建好或同步该销售订单后重放；确实没有销售订单的业务，改用关联模式 optional。',
    ),
    en: t(
      'Sales order not found',
      'Link mode is required and K3 has no sales order FBillNo = src_trade_no, or the order has no src_trade_no.',
      'Often the sales order is not in K3 yet: it is retried first. If it stays missing, create or sync it in K3 and replay; for orders that really have none, use link mode optional.',
    ),
    healsBySelf: true,
  },
  MAP_LINK_SOURCE_MISMATCH: {
    zh: t(
      '源销售订单不符',
      '查到的销售订单单号与 src_trade_no 不一致。这是查询的缺陷，不是数据问题。',
      '把这张订单反馈给开发人员。',
    ),
    en: t(
      'Sales order mismatch',
      'The sales order found has a different FBillNo than src_trade_no: a bug in the lookup, not in the data.',
      'Report it with the order.',
    ),
  },
  MAP_LINK_ROW_MISSING: {
    zh: t(
      '销售订单缺少对应明细',
      '销售订单里没有（或没有未用完的）这一行物料的分录。',
      '在金蝶里修正销售订单（或物料编码），然后重放。',
    ),
    en: t(
      'Sales order lacks the row',
      'The sales order has no entry (or no unused entry) for a row’s material.',
      'Fix the sales order in K3 (or the material numbers), then replay.',
    ),
  },

  // ── the loader's order codes (services/loader/README.md, "Error codes") ──
  K3_SOURCE_ORDER_NOT_FOUND: {
    zh: t(
      '金蝶里没有源销售订单',
      '关联模式为 required，金蝶里没有单号为 src_trade_no 的销售订单。这张死信会被“挂起”：系统定期重新查找，金蝶里有了就自动重放。',
      '通常无需处理：把销售订单同步进金蝶，系统会自动重放；或改用关联模式 optional。',
    ),
    en: t(
      'Sales order not in K3',
      'Link mode is required and K3 has no sales order FBillNo = src_trade_no. The dead letter is parked: it is looked up again regularly and replayed once K3 has it.',
      'Usually nothing: sync the sales order into K3 and the sweep replays it; or use link mode optional.',
    ),
    healsBySelf: true,
  },
  K3_BASEDATA_MISSING: {
    zh: t(
      '金蝶缺少基础资料',
      '金蝶拒绝了单据：引用的基础资料（客户、物料、仓库、组织等）不存在，字段错误里写明了是哪一个。',
      '在金蝶里新增字段错误中提到的基础资料（或在映射方案里对照到已有的），然后重放。',
    ),
    en: t(
      'Base data missing in K3',
      'K3 refused the bill because referenced base data (customer, material, warehouse, org…) does not exist; the field errors name it.',
      'Add the base data in K3, or map the value in the mapping profile; replay.',
    ),
  },
  K3_BILL_REJECTED: {
    zh: t(
      '金蝶校验未通过',
      '金蝶因其他校验原因拒绝了单据（见字段错误）。',
      '看金蝶返回的字段错误，修正映射方案或数据，然后重放。',
    ),
    en: t(
      'Rejected by K3',
      'K3 refused the bill for another validation reason (see the field errors).',
      'Read K3’s field errors; fix the profile or the data; replay.',
    ),
  },
  K3_BILL_UNRESOLVED: {
    zh: t(
      '单据状态不明',
      '金蝶说“单号已被使用”或没有给结论，但按单号查不到单据。系统会重试。',
      '持续出现时，在金蝶里查找这个单号（其他单据类型、其他组织）。',
    ),
    en: t(
      'Outcome unresolved',
      'K3 said "number already used", or gave no verdict, but no bill has the number; retried.',
      'If it persists, look for the number in K3 (another form, another org).',
    ),
    healsBySelf: true,
  },
  K3_BILL_TRANSIENT: {
    zh: t(
      '金蝶暂时拒绝',
      '同一批次里这一张单据遇到了暂时性的拒绝（调用限制、会话）。系统会重试。',
      '一般无需处理；持续出现时检查金蝶的调用限制。',
    ),
    en: t(
      'Passing refusal',
      'One bill hit a passing refusal (call limit, session) inside a batch that otherwise ran; retried.',
      'Nothing, unless it persists.',
    ),
    healsBySelf: true,
  },
  LOADER_BILL_CLAIMED: {
    zh: t(
      '单号正被另一批次处理',
      '另一个装载批次正持有这个单号的占用，本任务等待它的结果，不消耗重试次数。不会成为死信。',
      '无需处理。长时间等待时，检查持有占用的装载进程。',
    ),
    en: t(
      'Bill number claimed',
      'Another batch holds the bill number’s claim; the job waits for its outcome, spending no attempt. Never a dead letter.',
      'Nothing. If one order waits for long, look for the loader that keeps the claim.',
    ),
    healsBySelf: true,
  },
  LOADER_CLAIMS_UNAVAILABLE: {
    zh: t(
      'Redis 不可用（单号占用）',
      '无法在 Redis 里读写单号占用，所以什么都没发送。系统会重试。',
      '检查 Redis（它也承载所有队列）。',
    ),
    en: t(
      'Claims unavailable',
      'The claims could not be read or written in Redis, so nothing was sent; retried.',
      'Check Redis (it is also the queues’ home).',
    ),
    healsBySelf: true,
  },
  LOADER_BILL_NUMBER_TAKEN: {
    zh: t(
      '单号已被另一张出库单占用',
      '金蝶里已有这个单号的单据，但它是为另一张出库单保存的（两个 stockout_id 用了同一个 order_no，例如重新生成的出库单）。消息里写明了两者。',
      '确认单据属于哪一张出库单；在旺店通（或映射方案）里改正单号后重放，或作废重复的那张。',
    ),
    en: t(
      'Bill number taken',
      'K3 already holds a bill with this number, saved for another stock-out (two stockout_ids with one order_no); the message names both.',
      'Decide which stock-out the bill belongs to; fix the number in WDT (or the mapping) and replay, or discard the duplicate.',
    ),
  },
  LOADER_UNEXPECTED: {
    zh: t(
      '未预期的错误',
      '装载服务遇到了没有分类的错误（程序缺陷或依赖库的错误），消息里保留了原文。',
      '把死信详情反馈给开发人员；原因排除后重放。',
    ),
    en: t(
      'Unexpected error',
      'The loader hit a failure it has no code for (a bug, or a library’s error); the message keeps what it said.',
      'Report the dead letter’s details; replay once the cause is fixed.',
    ),
  },

  // ── K3 client call failures (packages/k3cloud-client/README.md) ──
  K3_SESSION_LOST: {
    zh: t(
      '金蝶会话失效',
      '金蝶会话丢失，已重新登录。系统会重试。',
      '一般无需处理；频繁出现时检查是否有别的程序用同一账号登录。',
    ),
    en: t(
      'K3 session lost',
      'The K3 session was lost and re-established; retried.',
      'Nothing, unless frequent: another program may log in with the same user.',
    ),
    healsBySelf: true,
  },
  K3_CALL_LIMIT: {
    zh: t(
      '金蝶调用限制',
      '金蝶因调用频率限制拒绝了请求（MsgCode 14）。系统会退避后重试。',
      '持续出现时，降低 K3_MAX_CONCURRENT_REQUESTS 或请金蝶管理员调整限制，然后按代码重放。',
    ),
    en: t(
      'K3 call limit',
      'K3 throttled the call (MsgCode 14); retried with backoff.',
      'If it persists, lower K3_MAX_CONCURRENT_REQUESTS or ask the K3 administrator to raise the limit; replay by code.',
    ),
    healsBySelf: true,
  },
  K3_HTTP_ERROR: {
    zh: t(
      '金蝶 HTTP 错误',
      '金蝶返回了非 200 的 HTTP 状态（5xx、429 会重试）。',
      '检查金蝶服务是否正常、K3_BASE_URL 是否正确；恢复后按代码重放。',
    ),
    en: t(
      'K3 HTTP error',
      'K3 answered an HTTP status other than 200 (5xx and 429 are retried).',
      'Check that K3 is up and K3_BASE_URL is right; replay by code once it is.',
    ),
  },
  K3_GATEWAY_ERROR: {
    zh: t(
      '金蝶网关拒绝',
      '金蝶云网关拒绝了调用（凭据以外的原因，例如 5001 接口不存在，或网关自身故障；凭据被拒记为 K3_AUTH_FAILED）。',
      '查看消息中的 errcode：5001 时核对 K3_BASE_URL 与接口地址；其他情况等网关恢复，然后按代码重放。',
    ),
    en: t(
      'K3 gateway refusal',
      'Kingdee’s API gateway refused the call for a reason other than credentials (e.g. errcode 5001, API not found, or trouble in the gateway itself; refused credentials are K3_AUTH_FAILED).',
      'Read the errcode in the message: for 5001 check K3_BASE_URL and the API path; otherwise wait for the gateway to recover; replay by code.',
    ),
  },
  K3_SERVER_EXCEPTION: {
    zh: t(
      '金蝶服务端异常',
      '金蝶返回了 response_error（服务端异常）。系统会重试。',
      '持续出现时请金蝶管理员查看服务端日志，然后按代码重放。',
    ),
    en: t(
      'K3 server exception',
      'K3 answered response_error (a server-side exception); retried.',
      'If it persists, ask the K3 administrator to look at the server log; replay by code.',
    ),
    healsBySelf: true,
  },
  K3_TIMEOUT: {
    zh: t(
      '金蝶超时',
      '在 K3_REQUEST_TIMEOUT_MS 内没有收到金蝶的应答。写入超时后会先核对，不会重复发送。',
      '检查金蝶的负载和网络；恢复后按代码重放。',
    ),
    en: t(
      'K3 timeout',
      'No answer from K3 within K3_REQUEST_TIMEOUT_MS; a write that times out is checked, not re-sent.',
      'Check K3’s load and the network; replay by code once it recovers.',
    ),
    healsBySelf: true,
  },
  K3_NETWORK: {
    zh: t('连不上金蝶', '连接被拒绝、重置或中断。系统会重试。', '检查网络和 K3_BASE_URL；恢复后按代码重放。'),
    en: t(
      'K3 unreachable',
      'The connection was refused, reset or dropped; retried.',
      'Check the network and K3_BASE_URL; replay by code once it is back.',
    ),
    healsBySelf: true,
  },
  K3_ABORTED: {
    zh: t('请求被中止', '装载服务在收到应答前中止了请求（正在停止）。系统会重试。', '无需处理。'),
    en: t(
      'Call aborted',
      'The loader abandoned the call before an answer arrived (it was stopping); retried.',
      'Nothing.',
    ),
    healsBySelf: true,
  },
  K3_AUTH_FAILED: {
    zh: t(
      '金蝶登录失败',
      '金蝶拒绝了登录或签名凭据。',
      '核对 K3_ACCT_ID、K3_USERNAME、K3_APP_ID、K3_APP_SECRET（或密码），修正配置并重启装载服务后，按代码重放。',
    ),
    en: t(
      'K3 login refused',
      'K3 refused the login or the signature credentials.',
      'Check K3_ACCT_ID, K3_USERNAME, K3_APP_ID, K3_APP_SECRET (or the password); fix, restart the loaders, replay by code.',
    ),
  },
  K3_REJECTED: {
    zh: t(
      '金蝶拒绝调用',
      '金蝶拒绝了整个调用：没有权限、许可不足或参数错误（MsgCode 2/3/5/7/8/15）。',
      '请金蝶管理员给集成用户授权或检查许可，然后按代码重放。',
    ),
    en: t(
      'K3 refused the call',
      'K3 refused the whole call: no permission, licence, bad parameters (MsgCode 2/3/5/7/8/15).',
      'Ask the K3 administrator to grant the integration user the rights or check the licence; replay by code.',
    ),
  },
  K3_QUERY_FAILED: {
    zh: t(
      '金蝶查询失败',
      'ExecuteBillQuery 返回了错误（未知的表单、字段或过滤条件）。',
      '检查映射方案里的查询字段和金蝶版本，修正后重放。',
    ),
    en: t(
      'K3 query failed',
      'ExecuteBillQuery answered its error form (unknown form, field, bad filter).',
      'Check the query fields of the mapping profile against the K3 version; replay.',
    ),
  },
  K3_BAD_RESPONSE: {
    zh: t(
      '金蝶应答无法识别',
      '金蝶返回的内容不符合协议（不是 JSON，或结构不对），常见于地址指向了代理或登录页。',
      '检查 K3_BASE_URL 是否以 /k3cloud/ 结尾并直达金蝶；修正后按代码重放。',
    ),
    en: t(
      'Unreadable K3 answer',
      'A 200 body that is not what the protocol promises (not JSON, wrong shape) — often a URL pointing at a proxy or a login page.',
      'Check that K3_BASE_URL ends in /k3cloud/ and reaches K3 directly; replay by code.',
    ),
  },

  // ── the job catalog (packages/jobs/README.md) ──
  JOB_PAYLOAD_INVALID: {
    zh: t(
      '任务数据无效',
      '任务的数据不符合任务目录的定义（可能由旧版本写入）。',
      '查看死信里的原始订单；用编辑后的订单重放，或作废。',
    ),
    en: t(
      'Invalid job payload',
      'The job’s data failed its catalog schema (perhaps written by an older version).',
      'Look at the raw order in the dead letter; replay it edited, or discard it.',
    ),
  },
  JOB_UNKNOWN: {
    zh: t(
      '未知任务',
      '队列收到了任务目录里没有的任务名（版本不一致）。',
      '确认所有服务运行同一版本，然后重放。',
    ),
    en: t(
      'Unknown job',
      'A queue received a job name its catalog does not list (mixed versions).',
      'Make sure every service runs the same version, then replay.',
    ),
  },
  JOB_HANDLERS_MISMATCH: {
    zh: t(
      '任务处理器不匹配',
      '服务启动时发现它的处理器与队列的任务目录不一致（版本不一致）。',
      '确认所有服务运行同一版本。',
    ),
    en: t(
      'Handlers mismatch',
      'A worker’s handlers do not cover its queue’s catalog (mixed versions).',
      'Make sure every service runs the same version.',
    ),
  },
} as const satisfies Record<DeadLetterCode, Entry>;

const CATALOGUE: Readonly<Record<string, Entry>> = ENTRIES;

/** Every member, for tests and listings: the union of the four source catalogues. */
export const DEAD_LETTER_CODES: readonly DeadLetterCode[] = [
  ...Object.values(MAP_ISSUE_CODES),
  ...(Object.keys(K3_ERROR_CODES) as K3ErrorCode[]),
  ...Object.values(ORDER_ERROR_CODES),
  ...Object.values(JOB_ERROR_CODES),
];

export function isDeadLetterCode(code: string): code is DeadLetterCode {
  return Object.hasOwn(CATALOGUE, code);
}

/** The language a person asked for: `en`/`en-US`/`English` → en, anything else → zh-CN. */
export function languageOf(value: string | undefined | null): Language {
  return value !== undefined && value !== null && /^en([-_][a-z]+|glish)?$/i.test(value.trim())
    ? 'en'
    : 'zh-CN';
}

/** What `code` means and what to do, in `language`; a code outside the catalogue says so. */
export function describeCode(code: string, language: Language = 'zh-CN'): CodeDescription {
  const entry = isDeadLetterCode(code) ? CATALOGUE[code] : undefined;
  if (entry === undefined) {
    return language === 'en'
      ? {
          code,
          known: false,
          healsBySelf: false,
          title: code,
          meaning: 'A code this version does not know (written by another version).',
          action: 'Read the message and the attempt history; replay once the cause is fixed.',
        }
      : {
          code,
          known: false,
          healsBySelf: false,
          title: code,
          meaning: '当前版本不认识这个代码（可能由其他版本写入）。',
          action: '查看错误消息和尝试记录；原因排除后重放。',
        };
  }
  return {
    code,
    known: true,
    healsBySelf: entry.healsBySelf ?? false,
    ...(language === 'en' ? entry.en : entry.zh),
  };
}
