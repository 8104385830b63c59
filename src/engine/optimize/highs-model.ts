import highsModule, { type Highs, type Model } from 'highs';
import { SolverError } from '../../model/errors.js';

/**
 * A thin typed wrapper over one persistent HiGHS instance (npm `highs`, HiGHS compiled to
 * WebAssembly; its persistent `Model` maps one to one onto the stable C API: `Highs_create`,
 * `Highs_passModel`, `Highs_changeColBounds`, `Highs_changeRowBounds`, `Highs_getBasis`,
 * `Highs_setBasis`, `Highs_run`, `Highs_getModelStatus`, `Highs_getSolution`, `Highs_destroy`).
 *
 * Models are passed as typed arrays (CSC or CSR), never LP text. Every instance has a time limit;
 * HiGHS counts it cumulatively over the instance's runs, so each `run()` zeroes the clocks first
 * and the limit applies per solve. Infeasible, unbounded and time-limited solves are statuses,
 * not exceptions; a native error (bad model, out of memory) throws `SolverError`.
 *
 * The runtime is single-threaded: one instance per worker thread, cancel by terminating the
 * worker.
 */

export type HighsRuntime = Highs;

/**
 * The package ships one declaration file for its CommonJS and ES builds, so under NodeNext the
 * default import is typed as the CommonJS module object, while Node's ES import gives the loader.
 */
type Loader = (typeof highsModule)['default'];
const highsLoader: Loader =
  typeof highsModule === 'function' ? (highsModule as unknown as Loader) : highsModule.default;

let runtime: Promise<Highs> | undefined;

/** Loads the WebAssembly runtime once per thread (reads highs.wasm beside the package). */
export function loadHighs(): Promise<HighsRuntime> {
  runtime ??= highsLoader();
  return runtime;
}

export type ObjectiveSenseName = 'minimize' | 'maximize';

/** A sparse matrix: CSC (starts per column, row indices) or CSR (starts per row, column indices). */
export interface LpMatrix {
  format: 'csc' | 'csr';
  starts: Int32Array;
  indices: Int32Array;
  values: Float64Array;
}

/** rowLower ≤ A x ≤ rowUpper, colLower ≤ x ≤ colUpper; ±Infinity (HiGHS's infinity in this build) for a missing bound. */
export interface LpData {
  numCols: number;
  numRows: number;
  sense: ObjectiveSenseName;
  colCost: Float64Array;
  colLower: Float64Array;
  colUpper: Float64Array;
  rowLower: Float64Array;
  rowUpper: Float64Array;
  matrix: LpMatrix;
  /** per column: 0 continuous, 1 integer (a MIP when any is 1); omitted = all continuous */
  integrality?: Int32Array;
}

export interface LpSize {
  rows: number;
  columns: number;
  nonzeros: number;
}

export type SolveStatus =
  | 'optimal'
  | 'infeasible'
  | 'unbounded'
  /** presolve proved one of the two without telling which */
  | 'unbounded-or-infeasible'
  | 'time-limit'
  | 'iteration-limit'
  | 'interrupted'
  | 'empty'
  | 'error'
  | 'unknown';

/** Column and row basis statuses (0 lower, 1 basic, 2 upper, 3 zero, 4 nonbasic), as HiGHS numbers them. */
export interface LpBasis {
  colStatus: Int32Array;
  rowStatus: Int32Array;
}

export interface HighsModelOptions {
  /** seconds per solve; required (an unbounded wait is never the default) */
  timeLimitSeconds: number;
  /** HiGHS `presolve`: 'choose' by default */
  presolve?: 'off' | 'choose' | 'on';
  /** HiGHS `mip_rel_gap`: stop a MIP when (primal − dual bound) / |primal| ≤ this (HiGHS default 1e-4) */
  mipRelGap?: number;
  /** HiGHS `dual_feasibility_tolerance` (default 1e-7): lower it when small reduced costs matter */
  dualFeasibilityTolerance?: number;
}

/** How far a MIP solve got: its incumbent, dual bound and relative gap (HiGHS info values). */
export interface MipProgress {
  /** a feasible solution is available (HiGHS `primal_solution_status` = feasible) */
  hasSolution: boolean;
  objective: number | null;
  dualBound: number | null;
  /** relative gap (HiGHS `mip_gap`); null when there is no incumbent */
  gap: number | null;
  nodes: number;
}

/** An irreducible infeasible subsystem (Highs_getIis): rows and columns with the bound that binds. */
export interface Conflict {
  rows: { index: number; bound: 'lower' | 'upper' | 'boxed' | 'free' }[];
  columns: { index: number; bound: 'lower' | 'upper' | 'boxed' | 'free' }[];
}

function statusName(highs: Highs, code: number): SolveStatus {
  const s = highs.constants.modelStatus;
  switch (code) {
    case s.optimal:
      return 'optimal';
    case s.infeasible:
      return 'infeasible';
    case s.unbounded:
      return 'unbounded';
    case s.unboundedOrInfeasible:
      return 'unbounded-or-infeasible';
    case s.timeLimit:
      return 'time-limit';
    case s.iterationLimit:
      return 'iteration-limit';
    case s.interrupted:
      return 'interrupted';
    case s.empty:
      return 'empty';
    case s.loadError:
    case s.modelError:
    case s.presolveError:
    case s.solveError:
    case s.postsolveError:
      return 'error';
    default:
      return 'unknown';
  }
}

function solverError(op: string, e: unknown): SolverError {
  return new SolverError(`${op}: ${e instanceof Error ? e.message : String(e)}`);
}

/** One persistent LP: build once from typed arrays, then change bounds and re-solve. */
export class HighsModel {
  private model: Model | null;

  private constructor(
    private readonly highs: Highs,
    model: Model,
  ) {
    this.model = model;
  }

  /** Creates an instance and passes the LP. */
  static create(highs: HighsRuntime, lp: LpData, opts: HighsModelOptions): HighsModel {
    if (!(opts.timeLimitSeconds > 0)) throw new SolverError(`invalid time limit: ${opts.timeLimitSeconds}`);
    let model: Model;
    try {
      model = highs.createModel();
    } catch (e) {
      throw solverError('Highs_create', e);
    }
    const m = new HighsModel(highs, model);
    try {
      model.options.set({
        output_flag: false,
        time_limit: opts.timeLimitSeconds,
        presolve: opts.presolve ?? 'choose',
        ...(opts.mipRelGap !== undefined ? { mip_rel_gap: opts.mipRelGap } : {}),
        ...(opts.dualFeasibilityTolerance !== undefined
          ? { dual_feasibility_tolerance: opts.dualFeasibilityTolerance }
          : {}),
      });
      m.pass(lp);
    } catch (e) {
      m.destroy();
      throw e instanceof SolverError ? e : solverError('create', e);
    }
    return m;
  }

  private get live(): Model {
    if (!this.model) throw new SolverError('the HiGHS model was destroyed');
    return this.model;
  }

  /** Replaces the model (Highs_passModel); any basis is discarded. */
  pass(lp: LpData): void {
    try {
      this.live.passModel({
        numCols: lp.numCols,
        numRows: lp.numRows,
        sense:
          lp.sense === 'maximize'
            ? this.highs.constants.objectiveSense.maximize
            : this.highs.constants.objectiveSense.minimize,
        colCost: lp.colCost,
        colLower: lp.colLower,
        colUpper: lp.colUpper,
        rowLower: lp.rowLower,
        rowUpper: lp.rowUpper,
        matrix: {
          format: lp.matrix.format,
          numRows: lp.numRows,
          numCols: lp.numCols,
          starts: lp.matrix.starts,
          indices: lp.matrix.indices,
          values: lp.matrix.values,
        },
        ...(lp.integrality ? { integrality: lp.integrality } : {}),
      });
    } catch (e) {
      throw solverError('Highs_passModel', e);
    }
  }

  changeColBounds(col: number, lower: number, upper: number): void {
    try {
      this.live.changeColBounds(col, lower, upper);
    } catch (e) {
      throw solverError('Highs_changeColBounds', e);
    }
  }

  changeRowBounds(row: number, lower: number, upper: number): void {
    try {
      this.live.changeRowBounds(row, lower, upper);
    } catch (e) {
      throw solverError('Highs_changeRowBounds', e);
    }
  }

  /** The current basis (valid after a simplex solve). */
  getBasis(): LpBasis {
    const b = this.live.getBasis();
    return { colStatus: b.colStatus, rowStatus: b.rowStatus };
  }

  /** Installs a basis to warm-start the next run (Highs_setBasis). */
  setBasis(basis: LpBasis): void {
    try {
      this.live.setBasis({ colStatus: basis.colStatus, rowStatus: basis.rowStatus });
    } catch (e) {
      throw solverError('Highs_setBasis', e);
    }
  }

  /** Drops the basis and solution, so the next run starts cold (Highs_clearSolver). */
  clearSolver(): void {
    this.live.clearSolver();
  }

  /** Solves under the time limit (clocks zeroed first, so the limit is per solve). */
  run(): SolveStatus {
    const m = this.live;
    try {
      m.zeroAllClocks();
      const r = m.run();
      return statusName(this.highs, r.modelStatus);
    } catch (e) {
      throw solverError('Highs_run', e);
    }
  }

  status(): SolveStatus {
    return statusName(this.highs, this.live.getModelStatus());
  }

  objectiveValue(): number {
    return this.live.getObjectiveValue();
  }

  /** Primal column values of the last solve (a copy). */
  primal(): Float64Array {
    return this.live.getSolution().colValue;
  }

  /** Simplex iterations of the last solve. */
  iterations(): number {
    const v = this.live.info.get('simplex_iteration_count');
    return typeof v === 'bigint' ? Number(v) : v;
  }

  size(): LpSize {
    const d = this.live.getDimensions();
    return { rows: d.numRows, columns: d.numCols, nonzeros: d.numNonzeros };
  }

  /** Changes one objective coefficient (Highs_changeColCost). */
  changeColCost(col: number, cost: number): void {
    try {
      this.live.changeColCost(col, cost);
    } catch (e) {
      throw solverError('Highs_changeColCost', e);
    }
  }

  /** Offers a full primal vector as a starting incumbent (Highs_setSolution): warm-starts a MIP. */
  setSolution(colValue: Float64Array): void {
    try {
      this.live.setSolution({ colValue });
    } catch (e) {
      throw solverError('Highs_setSolution', e);
    }
  }

  /** Incumbent, dual bound and gap of the last MIP solve. */
  mipProgress(): MipProgress {
    const info = this.live.info;
    const num = (k: string) => {
      const v = info.get(k);
      return typeof v === 'bigint' ? Number(v) : v;
    };
    // primal_solution_status: 0 none, 1 infeasible point, 2 feasible
    const hasSolution = num('primal_solution_status') === 2;
    const finite = (x: number) => (Number.isFinite(x) ? x : null);
    return {
      hasSolution,
      objective: hasSolution ? this.live.getObjectiveValue() : null,
      dualBound: finite(num('mip_dual_bound')),
      gap: hasSolution ? finite(num('mip_gap')) : null,
      nodes: num('mip_node_count'),
    };
  }

  /** A primal ray after an unbounded LP solve (Highs_getPrimalRay), or null if HiGHS has none. */
  primalRay(): Float64Array | null {
    try {
      return this.live.getPrimalRay()?.values ?? null;
    } catch {
      return null;
    }
  }

  /** An irreducible infeasible subsystem of an infeasible model (Highs_getIis), or null. */
  conflict(): Conflict | null {
    const c = this.highs.constants.iis;
    const name = (b: number) =>
      b === c.boundLower ? 'lower' : b === c.boundUpper ? 'upper' : b === c.boundBoxed ? 'boxed' : 'free';
    try {
      const iis = this.live.getIis();
      if (!iis.rowIndex.length && !iis.colIndex.length) return null;
      return {
        rows: Array.from(iis.rowIndex, (index, k) => ({ index, bound: name(iis.rowBound[k]!) })),
        columns: Array.from(iis.colIndex, (index, k) => ({ index, bound: name(iis.colBound[k]!) })),
      };
    } catch {
      return null;
    }
  }

  /** Frees the native instance (Highs_destroy); idempotent. */
  destroy(): void {
    this.model?.dispose();
    this.model = null;
  }
}
