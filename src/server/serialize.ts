/**
 * The API's JSON: the CLI's `--json` output exactly (src/cli/output.ts printJson, simulate's
 * printJsonReport): typed arrays as plain arrays, ±Infinity and NaN as the strings "Infinity",
 * "-Infinity", "NaN" (JSON has no such numbers; TTR is Infinity when supply never recovers).
 */
export function toJsonText(value: unknown): string {
  return JSON.stringify(value, replacer);
}

function replacer(_key: string, v: unknown): unknown {
  if (typeof v === 'number') return Number.isFinite(v) ? v : String(v);
  if (ArrayBuffer.isView(v) && !(v instanceof DataView))
    return Array.from(v as unknown as ArrayLike<number>, fix);
  return v;
}

function fix(x: number): number | string {
  return Number.isFinite(x) ? x : String(x);
}
