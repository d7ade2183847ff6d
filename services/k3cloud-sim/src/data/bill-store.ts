import { deflateRawSync, inflateRawSync } from 'node:zlib';

type Model = Record<string, unknown>;

/** K3 document status: Z 暂存, A 创建, B 审核中, C 已审核 (reference §5.3). */
export type DocumentStatus = 'Z' | 'A' | 'B' | 'C';

export interface StoredBill {
  readonly id: number;
  readonly billNo: string;
  readonly status: DocumentStatus;
  /**
   * The package as saved, canonical key casing, with FID, FBillNo, FDocumentStatus and FENTRYIDs
   * set. Decoded on every read: a fresh copy the caller may keep; changes go through `edit`.
   */
  readonly model: Model;
  readonly entryIds: readonly number[];
  /** FDate as saved, kept unpacked: period queries filter every bill on it. */
  readonly date: unknown;
}

/**
 * What deflate starts from for every bill: the keys and constant values a SAL_OUTSTOCK package
 * repeats (issue 15: a stored bill costs ≤ 1 KB, so a 1,000,000-order benchmark fits in memory).
 * Changing it only changes how well bills compress; it must stay the same while a store lives.
 */
const DICTIONARY = Buffer.from(
  '{"FBillTypeID":{"FNUMBER":"XSCKD01_SYS"},"FBillNo":"","FDate":"","FStockOrgId":{"FNumber":"100"},' +
    '"FSaleOrgId":{"FNumber":"100"},"FCustomerID":{"FNumber":""},"FSalesManID":{"FNumber":""},"FNote":"",' +
    '"FCarriageNO":"","FEntity":[{"FMaterialID":{"FNumber":"1.0"},"FRealQty":1,"FTaxPrice":0,"FIsFree":false,' +
    '"FStockID":{"FNumber":"WH0"},"FStockStatusID":{"FNumber":"KCZT01_SYS"},"FOwnerTypeID":"BD_OwnerOrg",' +
    '"FOwnerID":{"FNumber":"100"},"FSrcType":"SAL_SaleOrder","FSrcBillNo":"","FSoorDerno":"","FSOEntryId":0,' +
    '"FENTRYID":100001},{"FMaterialID":{"FNumber":"1.0"},"FRealQty":1,"FTaxPrice":0,"FIsFree":true,' +
    '"FStockID":{"FNumber":"WH0"},"FStockStatusID":{"FNumber":"KCZT01_SYS"},"FOwnerTypeID":"BD_OwnerOrg",' +
    '"FOwnerID":{"FNumber":"100"},"FSrcType":"SAL_SaleOrder","FSrcBillNo":"","FSoorDerno":""}],' +
    '"FID":100001,"FBillNo":"CK20261","FDocumentStatus":"A"}',
);

/**
 * A 2 KB window (it holds the 1.1 KB dictionary) and a small hash table: zlib's set-up of its
 * default 32 KB window and 128 KB hash for every bill was most of pack's cost. Measured on
 * 5,000 generated 3-row bills (1,249 B of JSON): 42.7 → 23.2 µs a bill packed, 11.8 → 7.8 µs
 * unpacked, 189 B each either way. Both directions must use the same windowBits.
 */
const ZLIB = { level: 1, windowBits: 11, memLevel: 4, dictionary: DICTIONARY } as const;

/**
 * JSON, deflated against the dictionary, kept as a one-byte (latin1) string of exactly its bytes.
 * Not a Buffer: zlib's output and any small Buffer copy are slices of Node's shared pool slab,
 * and one kept slice keeps its whole 64 KB slab alive (measured: ~22 KB held a bill).
 */
function pack(model: Model): string {
  return deflateRawSync(JSON.stringify(model), ZLIB).toString('latin1');
}

function unpack(packed: string): Model {
  const json = inflateRawSync(Buffer.from(packed, 'latin1'), ZLIB).toString('utf8');
  return JSON.parse(json) as Model;
}

/** One stored bill: what the indexes and status need as fields, the rest as one packed buffer. */
class PackedBill implements StoredBill {
  readonly id: number;
  readonly billNo: string;
  status: DocumentStatus;
  readonly entryIds: readonly number[];
  date: unknown;
  #packed: string;

  constructor(id: number, billNo: string, status: DocumentStatus, entryIds: number[], model: Model) {
    this.id = id;
    this.billNo = billNo;
    this.status = status;
    this.entryIds = entryIds;
    this.date = model.FDate;
    this.#packed = pack(model);
  }

  get model(): Model {
    const model = unpack(this.#packed);
    model.FDocumentStatus = this.status;
    return model;
  }

  repack(model: Model): void {
    this.date = model.FDate;
    this.#packed = pack(model);
  }
}

/**
 * SAL_OUTSTOCK bills in save order, indexed by FID and FBillNo. Whether a supplied FBillNo must
 * be unique is the account's numbering rule (K3's 编码唯一), decided by the caller (save.ts); the
 * store keeps every bill of a number, oldest first, so an account that allows duplicates shows
 * them. An empty FBillNo gets the next number of the default coding rule (`XSCKD000001`).
 * Bills are kept packed (deflated JSON, ~0.1–0.2 KB for a 3-row bill) and decoded when read.
 */
export class BillStore {
  #bills: PackedBill[] = [];
  #byId = new Map<number, PackedBill>();
  /** One bill, or every bill of the number oldest first when the account lets numbers repeat. */
  #byNo = new Map<string, PackedBill | PackedBill[]>();
  #nextId = 100_001;
  #nextEntryId = 100_001;
  #nextAutoNo = 1;

  has(billNo: string): boolean {
    return this.#byNo.has(billNo);
  }

  /** The oldest bill of the number (View and the operations act on it). */
  byNumber(billNo: string): StoredBill | undefined {
    return this.#of(billNo)[0];
  }

  /** Every bill of the number, oldest first (more than one only when numbers may repeat). */
  allByNumber(billNo: string): readonly StoredBill[] {
    return this.#of(billNo);
  }

  byId(id: number): StoredBill | undefined {
    return this.#byId.get(id);
  }

  nextAutoNumber(): string {
    for (;;) {
      const candidate = `XSCKD${String(this.#nextAutoNo++).padStart(6, '0')}`;
      if (!this.#byNo.has(candidate)) return candidate;
    }
  }

  insert(model: Model, billNo: string, status: DocumentStatus): StoredBill {
    return this.insertReturning(model, billNo, status).bill;
  }

  /**
   * Inserts, and hands back the package as stored too: a save that answers NeedReturnFields
   * reads it from there instead of decoding the bill it has just packed (that decode was 18 % of
   * the simulator's CPU under the loader bench, --cpu-prof).
   */
  insertReturning(model: Model, billNo: string, status: DocumentStatus): { bill: StoredBill; model: Model } {
    const id = this.#nextId++;
    const entries = Array.isArray(model.FEntity) ? (model.FEntity as Model[]) : [];
    const entryIds = entries.map(() => this.#nextEntryId++);
    const saved = {
      ...model,
      FID: id,
      FBillNo: billNo,
      FDocumentStatus: status,
      FEntity: entries.map((entry, i) => ({ ...entry, FENTRYID: entryIds[i] })),
    };
    const stored = new PackedBill(id, billNo, status, entryIds, saved);
    this.#bills.push(stored);
    this.#byId.set(id, stored);
    const same = this.#byNo.get(billNo);
    if (same === undefined) this.#byNo.set(billNo, stored);
    else this.#byNo.set(billNo, [...(Array.isArray(same) ? same : [same]), stored]);
    return { bill: stored, model: saved };
  }

  setStatus(bill: StoredBill, status: DocumentStatus): void {
    this.#own(bill).status = status;
  }

  /** Changes a stored bill's package (a person editing it in K3's UI): `change` edits a copy. */
  edit(bill: StoredBill, change: (model: Model) => void): StoredBill {
    const own = this.#own(bill);
    const model = own.model;
    change(model);
    own.repack(model);
    return own;
  }

  remove(bill: StoredBill): void {
    this.#byId.delete(bill.id);
    const same = this.#of(bill.billNo).filter((other) => other !== bill);
    if (same.length === 0) this.#byNo.delete(bill.billNo);
    else this.#byNo.set(bill.billNo, same.length === 1 ? (same[0] as PackedBill) : same);
    const index = this.#bills.indexOf(bill as PackedBill);
    if (index >= 0) this.#bills.splice(index, 1);
  }

  /** In save order. */
  all(): readonly StoredBill[] {
    return this.#bills;
  }

  get count(): number {
    return this.#bills.length;
  }

  clear(): void {
    this.#bills = [];
    this.#byId.clear();
    this.#byNo.clear();
    this.#nextId = 100_001;
    this.#nextEntryId = 100_001;
    this.#nextAutoNo = 1;
  }

  #of(billNo: string): PackedBill[] {
    const same = this.#byNo.get(billNo);
    return same === undefined ? [] : Array.isArray(same) ? same : [same];
  }

  #own(bill: StoredBill): PackedBill {
    const own = this.#byId.get(bill.id);
    if (own === undefined || own !== bill) throw new Error(`bill ${bill.id} is not in this store`);
    return own;
  }
}
