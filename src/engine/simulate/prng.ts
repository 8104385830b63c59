/**
 * Counter-based pseudo-random numbers for Monte Carlo: Philox4x32-10 (Salmon, Moraes, Dror and
 * Shaw, "Parallel random numbers: as easy as 1, 2, 3", SC 2011; the Random123 library).
 *
 * A counter-based generator is a keyed bijection of a counter: the numbers of run i are a pure
 * function of (seed, run i, stream, block), so they do not depend on which worker thread runs
 * run i, nor on the runs before it — there is no state to carry or split.
 *
 * Philox4x32 with R rounds maps a 128-bit counter (c0, c1, c2, c3) and a 64-bit key (k0, k1) to
 * four 32-bit words. One round:
 *   (hi0, lo0) = M0 × c0,   (hi1, lo1) = M1 × c2          (32 × 32 → 64-bit products)
 *   c ← (hi1 ⊕ c1 ⊕ k0,  lo1,  hi0 ⊕ c3 ⊕ k1,  lo0)
 * and the key is bumped by the Weyl constants (k0 += W0, k1 += W1, mod 2³²) before every round
 * after the first. M0 = 0xD2511F53, M1 = 0xCD9E8D57, W0 = 0x9E3779B9, W1 = 0xBB67AE85.
 *
 * Only 32-bit integer arithmetic (no BigInt): the low word of a product is Math.imul, the high
 * word is put together from 16-bit halves in doubles, where every partial sum is exact (< 2⁵³).
 * Checked against Random123's published known-answer vectors (tests/kat_vectors) in prng.test.ts.
 *
 * trustmap's layout: key = the seed (low and high 32 bits of an integer 0 … 2⁵³ − 1); counter =
 * (block, run, stream, 0). A stream is one hazard of a hazard set; its blocks are read in order.
 */

export const PHILOX_M0 = 0xd2511f53;
export const PHILOX_M1 = 0xcd9e8d57;
export const PHILOX_W0 = 0x9e3779b9;
export const PHILOX_W1 = 0xbb67ae85;
export const PHILOX_ROUNDS = 10;

const TWO16 = 0x10000;
const TWO32 = 0x100000000;

/** High 32 bits of the 64-bit product of two unsigned 32-bit integers, exactly. */
export function mulhi32(a: number, b: number): number {
  const al = a & 0xffff;
  const ah = a >>> 16;
  const bl = b & 0xffff;
  const bh = b >>> 16;
  // a·b = ah·bh·2³² + (ah·bl + al·bh)·2¹⁶ + al·bl; each term < 2³², each sum below < 2³⁴
  const ll = al * bl;
  const mid1 = ah * bl + Math.floor(ll / TWO16);
  const mid2 = al * bh + (mid1 % TWO16);
  return (ah * bh + Math.floor(mid1 / TWO16) + Math.floor(mid2 / TWO16)) >>> 0;
}

/**
 * Philox4x32-R: the four output words of counter (c0 … c3) under key (k0, k1), written to `out`
 * as unsigned 32-bit integers. Inputs are taken modulo 2³².
 */
export function philox4x32(
  c0: number,
  c1: number,
  c2: number,
  c3: number,
  k0: number,
  k1: number,
  out: Uint32Array,
  rounds = PHILOX_ROUNDS,
): Uint32Array {
  let x0 = c0 >>> 0;
  let x1 = c1 >>> 0;
  let x2 = c2 >>> 0;
  let x3 = c3 >>> 0;
  let key0 = k0 >>> 0;
  let key1 = k1 >>> 0;
  for (let r = 0; r < rounds; r++) {
    if (r > 0) {
      key0 = (key0 + PHILOX_W0) >>> 0;
      key1 = (key1 + PHILOX_W1) >>> 0;
    }
    const hi0 = mulhi32(PHILOX_M0, x0);
    const lo0 = Math.imul(PHILOX_M0, x0) >>> 0;
    const hi1 = mulhi32(PHILOX_M1, x2);
    const lo1 = Math.imul(PHILOX_M1, x2) >>> 0;
    x0 = (hi1 ^ x1 ^ key0) >>> 0;
    x1 = lo1;
    x2 = (hi0 ^ x3 ^ key1) >>> 0;
    x3 = lo0;
  }
  out[0] = x0;
  out[1] = x1;
  out[2] = x2;
  out[3] = x3;
  return out;
}

/** A 32-bit word as a uniform number strictly inside (0, 1): (x + ½) / 2³² (never 0 or 1, so inverse CDFs stay finite). */
export function wordToUniform(x: number): number {
  return ((x >>> 0) + 0.5) / TWO32;
}

/** Largest seed accepted: seeds are integers 0 … 2⁵³ − 1 (the key is its low and high 32 bits). */
export const MAX_SEED = Number.MAX_SAFE_INTEGER;

/** The Philox key of a seed; throws RangeError for a seed that is not an integer in 0 … 2⁵³ − 1. */
export function seedKey(seed: number): [number, number] {
  if (!Number.isSafeInteger(seed) || seed < 0)
    throw new RangeError(`seed must be an integer 0 … ${MAX_SEED}, got ${seed}`);
  return [(seed % TWO32) >>> 0, Math.floor(seed / TWO32) >>> 0];
}

/**
 * The random numbers of one Monte Carlo run: block b of stream s gives four uniforms in (0, 1),
 * a pure function of (seed, run, s, b).
 */
export class RunRandom {
  private readonly k0: number;
  private readonly k1: number;
  private readonly words = new Uint32Array(4);

  constructor(
    seed: number,
    readonly run: number,
  ) {
    if (!Number.isInteger(run) || run < 0 || run >= TWO32)
      throw new RangeError(`run index must be an integer 0 … 2³² − 1, got ${run}`);
    [this.k0, this.k1] = seedKey(seed);
  }

  /** Four uniforms of (stream, block) into out[0 … 3]. */
  block(stream: number, block: number, out: Float64Array): Float64Array {
    const w = philox4x32(block, this.run, stream, 0, this.k0, this.k1, this.words);
    out[0] = wordToUniform(w[0]!);
    out[1] = wordToUniform(w[1]!);
    out[2] = wordToUniform(w[2]!);
    out[3] = wordToUniform(w[3]!);
    return out;
  }
}
