import { asText } from '../protocol/envelope.ts';
import { failureEnvelope } from '../protocol/responses.ts';
import { billQuery, executeBillQuery } from '../query/execute.ts';
import type { SimState } from '../state.ts';
import { handleOperation, handleView, type Operation } from './operations.ts';
import { handleSave, type SaveMode } from './save.ts';

/** One DynamicFormService call, its arguments bound by name. */
export interface FormCall {
  readonly method: string;
  readonly formId: string;
  /** ExcuteOperation's `opNumber`; '' for the other services. */
  readonly opNumber: string;
  readonly data: Record<string, unknown>;
}

const SAVE_MODES: Readonly<Record<string, SaveMode>> = { Save: 'save', BatchSave: 'batch', Draft: 'draft' };

/**
 * ExcuteOperation (sic, reference §3) runs the operations the reference lists by name — Submit,
 * Audit, UnAudit, Delete — exactly as their own services do. Other operation numbers (Forbid,
 * Enable, Cancel … of real K3) are not simulated.
 */
const OPERATIONS: ReadonlySet<string> = new Set<Operation>(['submit', 'audit', 'unaudit', 'delete']);

export function runForm(call: FormCall, sim: SimState, lcid: number): unknown {
  const { method, formId, data } = call;
  const mode = SAVE_MODES[method];
  if (mode !== undefined) return save(formId, data, mode, sim, lcid);
  switch (method) {
    case 'ExecuteBillQuery':
      return executeBillQuery(data, sim.sources);
    case 'BillQuery':
      return billQuery(data, sim.sources);
    case 'View':
      return handleView(formId, data, sim.bills);
    case 'ExcuteOperation':
      return excuteOperation(call, sim);
    default:
      return handleOperation(method.toLowerCase() as Operation, formId, data, sim.bills);
  }
}

function excuteOperation(call: FormCall, sim: SimState): unknown {
  const opNumber = asText(call.opNumber).trim();
  // MsgCode 3 is the doc's "操作标识为空" (reference §5.1).
  if (opNumber === '') return failureEnvelope(3, '操作标识为空：data 数据包中的参数 opNumber 的值不能为空');
  const operation = opNumber.toLowerCase();
  if (!OPERATIONS.has(operation)) {
    return failureEnvelope(4, `k3cloud-sim 不支持操作“${opNumber}”（支持 Submit、Audit、UnAudit、Delete）`);
  }
  return handleOperation(operation as Operation, call.formId, call.data, sim.bills);
}

function save(
  formId: string,
  data: Record<string, unknown>,
  mode: SaveMode,
  sim: SimState,
  lcid: number,
): unknown {
  return handleSave(formId, data, mode, {
    bills: sim.bills,
    baseData: sim.baseData,
    uniqueBillNo: sim.settings.uniqueBillNo,
    lcid,
    onSaved: (count) => {
      sim.stats.billsSaved += count;
    },
    onDuplicateSaved: () => {
      sim.stats.duplicateNumbersSaved += 1;
    },
    onRefused: (failed, duplicates) => {
      sim.stats.billsRefused += failed;
      sim.stats.duplicatesRefused += duplicates;
    },
  });
}
