import { describe, expect, it } from 'vitest';
import { Arena, allocate, arenaBytes, WASM_MAX_PAGES, WASM_PAGE } from './plain-node.js';

// The WebAssembly step itself is checked against the full-pass reference, bit for bit, in
// kernel-equivalence.test.ts (random networks, a quiet network, the shipped scenarios).

describe('arenaBytes', () => {
  it('rounds each array up to a 64-byte boundary', () => {
    // 1 → 64, 64 → 64, 65 → 128, 0 → 0
    expect(arenaBytes([1, 64, 65, 0])).toBe(256);
    expect(arenaBytes([])).toBe(0);
  });
});

describe('Arena', () => {
  it('carves disjoint arrays at 64-byte boundaries out of one WebAssembly memory', () => {
    const lengths = { f: 3, i: 17, u: 5, g: 8 };
    const arena = Arena.wasm(arenaBytes([lengths.f * 8, lengths.i * 4, lengths.u, lengths.g * 8]));
    expect(arena).not.toBeNull();
    const a = arena!;
    expect(a.isWasm).toBe(true);
    const f = a.f64(lengths.f);
    const i = a.i32(lengths.i);
    const u = a.u8(lengths.u);
    const g = a.f64(lengths.g);
    expect([f, i, u, g].every((x) => x.buffer === f.buffer)).toBe(true);
    expect([f, i, u, g].map((x) => x.byteOffset % 64)).toEqual([0, 0, 0, 0]);
    // every array written in full, then read back: none overlaps another
    f.fill(1.5);
    i.fill(-7);
    u.fill(200);
    g.fill(2.25);
    expect([...f]).toEqual(new Array(lengths.f).fill(1.5));
    expect([...i]).toEqual(new Array(lengths.i).fill(-7));
    expect([...u]).toEqual(new Array(lengths.u).fill(200));
    expect([...g]).toEqual(new Array(lengths.g).fill(2.25));
    // the memory starts zeroed
    expect(a.f64(0).length).toBe(0);
  });

  it('refuses to carve past the size it was made for', () => {
    const a = Arena.wasm(arenaBytes([64]))!;
    a.u8(64);
    // the memory is a whole page, but the arena was sized for 64 bytes
    expect(() => a.u8(1)).toThrow(/arena overflow: 128 of 64 bytes/);
  });

  it('is not made when the arrays exceed a wasm32 memory (4 GiB): the kernel stays in JavaScript', () => {
    expect(Arena.wasm(WASM_MAX_PAGES * WASM_PAGE + 1)).toBeNull();
  });

  it('hands out ordinary typed arrays when plain', () => {
    const a = Arena.plain();
    expect(a.isWasm).toBe(false);
    const x = a.f64(4);
    const y = a.f64(4);
    expect(x.buffer).not.toBe(y.buffer);
    expect(() => a.instantiate(() => {})).toThrow(/wasm arena/);
  });
});

describe('allocate', () => {
  const layout = { a: ['f64', 3], b: ['i32', 5], c: ['u8', 70], d: ['f64', 0] } as const;

  it('gives each named array its kind and length, in one aligned memory when asked', () => {
    const { arena, arrays } = allocate(layout, true);
    expect(arena.isWasm).toBe(true);
    expect(arrays.a).toBeInstanceOf(Float64Array);
    expect(arrays.b).toBeInstanceOf(Int32Array);
    expect(arrays.c).toBeInstanceOf(Uint8Array);
    expect([arrays.a.length, arrays.b.length, arrays.c.length, arrays.d.length]).toEqual([3, 5, 70, 0]);
    // 24 → 64, 20 → 64, 70 → 128: a at 0, b at 64, c at 128, d at 256
    expect([arrays.a, arrays.b, arrays.c, arrays.d].map((x) => x.byteOffset)).toEqual([0, 64, 128, 256]);
    expect(arrays.c.buffer).toBe(arrays.a.buffer);
  });

  it('gives ordinary arrays when WebAssembly is not asked for', () => {
    const { arena, arrays } = allocate(layout, false);
    expect(arena.isWasm).toBe(false);
    expect(arrays.a.buffer).not.toBe(arrays.b.buffer);
    expect(arrays.b.length).toBe(5);
  });
});
