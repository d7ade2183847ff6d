type Model = Record<string, unknown>;

/** K3 document status: Z 暂存, A 创建, B 审核中, C 已审核 (reference §5.3). */
export type DocumentStatus = 'Z' | 'A' | 'B' | 'C';

export interface StoredBill {
  readonly id: number;
  readonly billNo: string;
  status: DocumentStatus;
  /** The package as saved, canonical key casing, with FID, FBillNo, FDocumentStatus and FENTRYIDs set. */
  readonly model: Model;
  readonly entryIds: readonly number[];
}

/**
 * SAL_OUTSTOCK bills in save order, indexed by FID and FBillNo. Whether a supplied FBillNo must
 * be unique is the account's numbering rule (K3's 编码唯一), decided by the caller (save.ts); the
 * store keeps every bill of a number, oldest first, so an account that allows duplicates shows
 * them. An empty FBillNo gets the next number of the default coding rule (`XSCKD000001`).
 */
export class BillStore {
  #bills: StoredBill[] = [];
  #byId = new Map<number, StoredBill>();
  #byNo = new Map<string, StoredBill[]>();
  #nextId = 100_001;
  #nextEntryId = 100_001;
  #nextAutoNo = 1;

  has(billNo: string): boolean {
    return this.#byNo.has(billNo);
  }

  /** The oldest bill of the number (View and the operations act on it). */
  byNumber(billNo: string): StoredBill | undefined {
    return this.#byNo.get(billNo)?.[0];
  }

  /** Every bill of the number, oldest first (more than one only when numbers may repeat). */
  allByNumber(billNo: string): readonly StoredBill[] {
    return this.#byNo.get(billNo) ?? [];
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
    const id = this.#nextId++;
    const entries = Array.isArray(model.FEntity) ? (model.FEntity as Model[]) : [];
    const entryIds = entries.map(() => this.#nextEntryId++);
    const stored: StoredBill = {
      id,
      billNo,
      status,
      entryIds,
      model: {
        ...model,
        FID: id,
        FBillNo: billNo,
        FDocumentStatus: status,
        FEntity: entries.map((entry, i) => ({ ...entry, FENTRYID: entryIds[i] })),
      },
    };
    this.#bills.push(stored);
    this.#byId.set(id, stored);
    const same = this.#byNo.get(billNo);
    if (same === undefined) this.#byNo.set(billNo, [stored]);
    else same.push(stored);
    return stored;
  }

  setStatus(bill: StoredBill, status: DocumentStatus): void {
    bill.status = status;
    bill.model.FDocumentStatus = status;
  }

  remove(bill: StoredBill): void {
    this.#byId.delete(bill.id);
    const same = this.#byNo.get(bill.billNo)?.filter((other) => other !== bill) ?? [];
    if (same.length === 0) this.#byNo.delete(bill.billNo);
    else this.#byNo.set(bill.billNo, same);
    const index = this.#bills.indexOf(bill);
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
}
