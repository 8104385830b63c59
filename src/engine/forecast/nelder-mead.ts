/**
 * Nelder–Mead simplex minimisation inside a box (Nelder & Mead 1965; the standard reflection,
 * expansion, contraction and shrink coefficients 1, 2, ½, ½ as in Lagarias et al. 1998). Points
 * outside the box are clamped onto it, so every evaluated point is feasible. Deterministic: the
 * same start gives the same answer. Used for the few smoothing parameters of Holt's method, where
 * the objective is cheap and smooth; not a general solver (LP/MILP go to HiGHS).
 */
export interface Box {
  lower: readonly number[];
  upper: readonly number[];
}

export interface MinimiseResult {
  x: number[];
  value: number;
  evaluations: number;
}

function clamp(x: number[], box: Box): number[] {
  return x.map((v, i) => Math.min(box.upper[i]!, Math.max(box.lower[i]!, v)));
}

export function nelderMead(
  f: (x: readonly number[]) => number,
  start: readonly number[],
  box: Box,
  opts: { step?: number; tolerance?: number; maxEvaluations?: number } = {},
): MinimiseResult {
  const n = start.length;
  const tol = opts.tolerance ?? 1e-10;
  const maxEval = opts.maxEvaluations ?? 400 * n;
  let evaluations = 0;
  const evalAt = (x: number[]) => {
    evaluations++;
    const v = f(x);
    return Number.isFinite(v) ? v : Number.POSITIVE_INFINITY;
  };
  const simplex: { x: number[]; v: number }[] = [];
  const x0 = clamp([...start], box);
  simplex.push({ x: x0, v: evalAt(x0) });
  for (let i = 0; i < n; i++) {
    const x = [...x0];
    const width = box.upper[i]! - box.lower[i]!;
    const step = (opts.step ?? 0.1) * width;
    // step towards the side of the box with more room, so the vertex is not clamped onto x0
    x[i] = x[i]! + step <= box.upper[i]! ? x[i]! + step : x[i]! - step;
    const c = clamp(x, box);
    simplex.push({ x: c, v: evalAt(c) });
  }
  while (evaluations < maxEval) {
    simplex.sort((a, b) => a.v - b.v);
    const best = simplex[0]!;
    const worst = simplex[n]!;
    if (Math.abs(worst.v - best.v) <= tol * (Math.abs(best.v) + tol)) break;
    const centroid = new Array<number>(n).fill(0);
    for (let k = 0; k < n; k++) for (let i = 0; i < n; i++) centroid[i]! += simplex[k]!.x[i]! / n;
    const along = (t: number) =>
      clamp(
        centroid.map((c, i) => c + t * (worst.x[i]! - c)),
        box,
      );
    const xr = along(-1);
    const vr = evalAt(xr);
    if (vr < best.v) {
      const xe = along(-2);
      const ve = evalAt(xe);
      simplex[n] = ve < vr ? { x: xe, v: ve } : { x: xr, v: vr };
      continue;
    }
    if (vr < simplex[n - 1]!.v) {
      simplex[n] = { x: xr, v: vr };
      continue;
    }
    const outside = vr < worst.v;
    const xc = along(outside ? -0.5 : 0.5);
    const vc = evalAt(xc);
    if (vc < (outside ? vr : worst.v)) {
      simplex[n] = { x: xc, v: vc };
      continue;
    }
    for (let k = 1; k <= n; k++) {
      const x = clamp(
        simplex[k]!.x.map((v, i) => best.x[i]! + 0.5 * (v - best.x[i]!)),
        box,
      );
      simplex[k] = { x, v: evalAt(x) };
    }
  }
  simplex.sort((a, b) => a.v - b.v);
  return { x: simplex[0]!.x, value: simplex[0]!.v, evaluations };
}
