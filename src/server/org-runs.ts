import type { SimulationReport } from '../services/simulate.js';
import type { Store } from '../store/store.js';
import { ApiError } from './errors.js';

/** Saves a simulation among the organisation's runs (through the scoped repository). */
export async function saveOrgRun(_store: Store, _orgId: string, _report: SimulationReport): Promise<string> {
  throw new ApiError(503, 'internal', 'saving runs of an organisation is not available yet');
}
