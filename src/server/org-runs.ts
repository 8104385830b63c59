import { decodeRunRow, encodeRunRow, newRunId, runMetaOf } from '../services/run-codec.js';
import type { SimulationReport } from '../services/simulate.js';
import type { Principal } from '../store/accounts.js';
import { orgRepository } from '../store/scoped-repository.js';
import type { Store } from '../store/store.js';

/**
 * An organisation's saved simulation runs, stored through the scoped repository with the same
 * row codec as `trustmap simulate` saves public runs (src/services/run-codec.ts).
 */

export async function saveOrgRun(
  store: Store,
  principal: Principal,
  report: SimulationReport,
): Promise<string> {
  const id = newRunId(report.run.createdAt);
  return orgRepository(store, principal).runs.save(encodeRunRow(report, id));
}

/** A saved run of the principal's organisation as a report (NotFoundError for any other id). */
export async function getOrgRun(
  store: Store,
  principal: Principal,
  idOrPrefix: string,
): Promise<SimulationReport> {
  return decodeRunRow(await orgRepository(store, principal).runs.get(idOrPrefix));
}

export async function listOrgRuns(store: Store, principal: Principal, limit: number) {
  const rows = await orgRepository(store, principal).runs.list({ limit });
  return rows.map(runMetaOf);
}
