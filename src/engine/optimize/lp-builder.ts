import type { LpData } from './highs-model.js';

/**
 * Builds a sparse LP row by row into growable typed arrays (CSR), so models with hundreds of
 * thousands of rows never go through row objects or LP text. Columns are declared first with
 * their cost, bounds and integrality; each row is then a run of (column, value) entries.
 */
export class LpBuilder {
  private colCost = new Float64Array(64);
  private colLower = new Float64Array(64);
  private colUpper = new Float64Array(64);
  private integrality = new Int32Array(64);
  private rowLower = new Float64Array(64);
  private rowUpper = new Float64Array(64);
  private starts = new Int32Array(65);
  private indices = new Int32Array(256);
  private values = new Float64Array(256);
  numCols = 0;
  numRows = 0;
  nonzeros = 0;
  integers = 0;

  private static grow<T extends Float64Array | Int32Array>(a: T, need: number): T {
    if (need <= a.length) return a;
    const size = Math.max(a.length * 2, 2 ** Math.ceil(Math.log2(need)));
    const b = new (a.constructor as { new (length: number): T })(size);
    b.set(a);
    return b;
  }

  /** Adds `count` columns with the same cost and bounds; returns the first index. */
  addCols(count: number, cost: number, lower: number, upper: number, integer = false): number {
    const first = this.numCols;
    const n = first + count;
    this.colCost = LpBuilder.grow(this.colCost, n);
    this.colLower = LpBuilder.grow(this.colLower, n);
    this.colUpper = LpBuilder.grow(this.colUpper, n);
    this.integrality = LpBuilder.grow(this.integrality, n);
    this.colCost.fill(cost, first, n);
    this.colLower.fill(lower, first, n);
    this.colUpper.fill(upper, first, n);
    this.integrality.fill(integer ? 1 : 0, first, n);
    if (integer) this.integers += count;
    this.numCols = n;
    return first;
  }

  setCost(col: number, cost: number): void {
    this.colCost[col] = cost;
  }

  setBounds(col: number, lower: number, upper: number): void {
    this.colLower[col] = lower;
    this.colUpper[col] = upper;
  }

  /** Starts a row lower ≤ Σ entries ≤ upper; add its entries with `entry` before the next row. */
  row(lower: number, upper: number): number {
    const r = this.numRows;
    this.rowLower = LpBuilder.grow(this.rowLower, r + 1);
    this.rowUpper = LpBuilder.grow(this.rowUpper, r + 1);
    this.starts = LpBuilder.grow(this.starts, r + 2);
    this.rowLower[r] = lower;
    this.rowUpper[r] = upper;
    this.starts[r] = this.nonzeros;
    this.starts[r + 1] = this.nonzeros;
    this.numRows = r + 1;
    return r;
  }

  /** Adds a coefficient to the current row (zero values are skipped). */
  entry(col: number, value: number): void {
    if (value === 0) return;
    const k = this.nonzeros;
    this.indices = LpBuilder.grow(this.indices, k + 1);
    this.values = LpBuilder.grow(this.values, k + 1);
    this.indices[k] = col;
    this.values[k] = value;
    this.nonzeros = k + 1;
    this.starts[this.numRows] = this.nonzeros;
  }

  build(sense: LpData['sense'] = 'minimize'): LpData {
    const n = this.numCols;
    const m = this.numRows;
    return {
      numCols: n,
      numRows: m,
      sense,
      colCost: this.colCost.slice(0, n),
      colLower: this.colLower.slice(0, n),
      colUpper: this.colUpper.slice(0, n),
      rowLower: this.rowLower.slice(0, m),
      rowUpper: this.rowUpper.slice(0, m),
      matrix: {
        format: 'csr',
        starts: this.starts.slice(0, m + 1),
        indices: this.indices.slice(0, this.nonzeros),
        values: this.values.slice(0, this.nonzeros),
      },
      ...(this.integers > 0 ? { integrality: this.integrality.slice(0, n) } : {}),
    };
  }
}
