/**
 * The simulator kernel's WebAssembly step (plain-node.as.ts, compiled by scripts/build-wasm.mjs into
 * plain-node-wasm.ts) and the arena that lays the kernel's arrays out in its linear memory.
 *
 * The kernel allocates its hot arrays from an Arena. A wasm arena carves typed arrays out of one
 * WebAssembly.Memory at 64-byte boundaries (a node or slot record is one cache line), so the
 * JavaScript phases and the WebAssembly step read and write the same records; a plain arena hands
 * out ordinary typed arrays.
 */
import { PLAIN_NODE_WASM } from './plain-node-wasm.js';

/** The parts of the WebAssembly JS API used here (neither ES2023's lib nor @types/node 20 has them). */
interface WasmApi {
  Memory: new (d: { initial: number; maximum: number }) => { buffer: ArrayBuffer };
  Module: new (bytes: Uint8Array) => object;
  Instance: new (m: object, imports: object) => { exports: Record<string, unknown> };
}

const wasmApi = (globalThis as unknown as { WebAssembly?: WasmApi }).WebAssembly;

/** A wasm32 memory holds at most 65,536 pages of 64 KiB (4 GiB). */
export const WASM_PAGE = 65_536;
export const WASM_MAX_PAGES = 65_536;
const ALIGN = 64;

let compiled: object | null = null;
function plainNodeModule(api: WasmApi): object {
  if (!compiled) {
    const text = atob(PLAIN_NODE_WASM);
    const bytes = new Uint8Array(text.length);
    for (let k = 0; k < text.length; k++) bytes[k] = text.charCodeAt(k);
    compiled = new api.Module(bytes);
  }
  return compiled;
}

/** Bytes an arena needs for arrays of these byte lengths, each at a 64-byte boundary. */
export function arenaBytes(lengths: readonly number[]): number {
  let total = 0;
  for (const b of lengths) total += Math.ceil(b / ALIGN) * ALIGN;
  return total;
}

export class Arena {
  private at = 0;
  private constructor(
    private readonly memory: { buffer: ArrayBuffer } | null,
    private readonly bytes: number,
  ) {}

  /** Ordinary typed arrays. */
  static plain(): Arena {
    return new Arena(null, 0);
  }

  /**
   * One WebAssembly memory of `bytes` (arenaBytes of every array it will hold), or null when
   * WebAssembly is missing, the size exceeds 4 GiB, or the memory cannot be reserved.
   */
  static wasm(bytes: number): Arena | null {
    const pages = Math.max(1, Math.ceil(bytes / WASM_PAGE));
    if (!wasmApi || pages > WASM_MAX_PAGES) return null;
    try {
      return new Arena(new wasmApi.Memory({ initial: pages, maximum: pages }), bytes);
    } catch {
      return null;
    }
  }

  get isWasm(): boolean {
    return this.memory !== null;
  }

  private carve(bytes: number): number {
    const at = this.at;
    this.at += Math.ceil(bytes / ALIGN) * ALIGN;
    if (this.at > this.bytes) throw new Error(`arena overflow: ${this.at} of ${this.bytes} bytes`);
    return at;
  }

  f64(length: number): Float64Array {
    if (!this.memory) return new Float64Array(length);
    return new Float64Array(this.memory.buffer, this.carve(length * 8), length);
  }

  i32(length: number): Int32Array {
    if (!this.memory) return new Int32Array(length);
    return new Int32Array(this.memory.buffer, this.carve(length * 4), length);
  }

  u8(length: number): Uint8Array {
    if (!this.memory) return new Uint8Array(length);
    return new Uint8Array(this.memory.buffer, this.carve(length), length);
  }

  /** The WebAssembly step over this arena's memory; `early` runs a node that is not plain. */
  instantiate(early: (i: number, r: number) => void): PlainNodeStep {
    if (!this.memory || !wasmApi) throw new Error('instantiate needs a wasm arena');
    const instance = new wasmApi.Instance(plainNodeModule(wasmApi), {
      env: { memory: this.memory, early },
    });
    return instance.exports as unknown as PlainNodeStep;
  }
}

type ArrayKind = 'f64' | 'i32' | 'u8';
type ArrayOf<K extends ArrayKind> = K extends 'f64'
  ? Float64Array
  : K extends 'i32'
    ? Int32Array
    : Uint8Array;
/** Named arrays: element kind and length. */
export type Layout = Record<string, readonly [ArrayKind, number]>;

/**
 * The arrays of a layout, in one WebAssembly memory when `wasm` is asked for and Arena.wasm can
 * make one (each array at a 64-byte boundary), otherwise ordinary typed arrays. The layout is the
 * one list of sizes: the memory is sized from it and carved from it.
 */
export function allocate<const L extends Layout>(
  layout: L,
  wasm: boolean,
): { arena: Arena; arrays: { [P in keyof L]: ArrayOf<L[P][0]> } } {
  const sizes = { f64: 8, i32: 4, u8: 1 };
  const entries = Object.entries(layout) as [string, readonly [ArrayKind, number]][];
  const arena =
    (wasm && Arena.wasm(arenaBytes(entries.map(([, [kind, length]]) => length * sizes[kind])))) ||
    Arena.plain();
  const arrays: Record<string, Float64Array | Int32Array | Uint8Array> = {};
  for (const [name, [kind, length]] of entries) arrays[name] = arena[kind](length);
  return { arena, arrays: arrays as { [P in keyof L]: ArrayOf<L[P][0]> } };
}

/** Exports of plain-node.as.ts. Pointers are byte offsets in the arena's memory. */
export interface PlainNodeStep {
  init(
    nf: number,
    ni: number,
    sf: number,
    si: number,
    sb: number,
    share: number,
    sbIdx: number,
    rationed: number,
    rationCount: number,
    matDirty: number,
    matBuyerStart: number,
    matBuyer: number,
    orderChanged: number,
    groupStart: number,
    groupList: number,
    groupDirty: number,
    inputUsed: number,
    tau: number,
    invRebuild: number,
    track: number,
  ): void;
  /** stepFused over nodes 0..n−1 with these run and wake flags */
  step(n: number, run: number, wake: number): void;
  plainNodeVisits(): number;
  plainEdgeVisits(): number;
}
