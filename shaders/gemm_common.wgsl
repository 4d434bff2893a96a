// Shared by the GEMM kernel families (gemm_block.wgsl, gemm_tiled.wgsl), which the host appends
// to this file after one of the two A operands (gemm_a_vec4.wgsl, gemm_a_f32.wgsl) and one of the
// stores (gemm_store_scalar.wgsl, gemm_store_vec4.wgsl): the strided-view uniforms, the bindings
// and the fused epilogue.
// C[z] = act(A[z] × B[z] + bias[z]) for every batch entry z, the convolution's output partitions.
// A is read through (offset, leading dimension, k-split) so MEC's overlapping sub-matrices of L
// (MEC.md, "The GEMMs") are used in place, never copied. Offsets are in f32s, multiples of 4
// except A's when A is read as f32s (gemm_a_f32.wgsl: MEC's unpadded runs).

struct Gemm {
  M: u32, N: u32, K: u32, batchCount: u32,
  tilesM: u32, tilesN: u32, dim0: u32, dim1: u32,
  // z = (z2 * dim1 + z1) * dim0 + z0; each operand's offset is base + Σ zi·strideI.
  aBase: u32, aS0: u32, aS1: u32, aS2: u32,
  // A[m][k] = a[aOffset + m·lda + (k / aKInner)·aKOuter + k % aKInner]: the k-split steps over
  // dilated kernel rows (aKOuter = d_h·run) inside a row of L; K = aKCount·aKInner.
  lda: u32, aKInner: u32, aKOuter: u32, aKCount: u32,
  // Row m of A starts at (m / aMInner)·aSMOuter + (m % aMInner)·lda: one MEC GEMM then spans
  // every output row h (m = h·o_w + w reads L[w] from column h·s_h·run), so its tiles are as
  // large as im2col's while L stays compact.
  aMInner: u32, aSMOuter: u32,
  bBase: u32, bS0: u32, bS1: u32, bS2: u32,
  ldb: u32, biasS2: u32, cStrideM: u32, cStrideN: u32,
  cBase: u32, cS0: u32, cS1: u32, cS2: u32,
  // Row m of C starts at (m / cMInner)·cSMOuter + (m % cMInner)·cStrideM: MEC's Solution A writes
  // its i_n·o_w rows straight into NHWC or NCHW output this way, with no transpose pass.
  cMInner: u32, cSMOuter: u32,
  // Split-K (tiled kernels on GPUs whose output alone is too few invocations): slice s of splitK
  // sums k in [s·kChunk, (s+1)·kChunk) into partial rows ldPartial wide; 1, K, N otherwise.
  splitK: u32, kChunk: u32, ldPartial: u32,
  // The bias is uniform (one pipeline serves layers with and without); the activation is the
  // ACTIVATION override below.
  hasBias: u32,
  // The reduction's real length: where A is one window of K = roundUp4(kValid) per row, its last
  // quad runs into the next row of L or past the buffer, and is masked (kInside).
  kValid: u32,
}

// 0 none, 1 relu, 2 relu6: an override, so the store of a layer without one is a plain store. As a
// uniform, the selects cost as much as the fmas of a short reduction (SwiftShader, 224×224×4 → 64
// 1×1 GEMM: 31.7 against 27.5 ms; VGG conv1_1's GEMM about 10 % of its time).
override ACTIVATION: u32 = 0u;

@group(0) @binding(1) var<storage, read> b: array<vec4f>;
@group(0) @binding(2) var<storage, read> bias: array<f32>;
@group(0) @binding(4) var<uniform> u: Gemm;

struct Part {
  valid: bool,
  tile: u32,
  // The split-K slice and the batch entry.
  split: u32,
  z: u32,
  // Offsets of A and C in f32s, of B in vec4s; the bias offset of the group.
  a: u32,
  b: u32,
  c: u32,
  bias: u32,
}

// Which split-K slice, batch entry and tile a workgroup computes; its grid is folded to fit the dispatch limits.
fn partOf(wid: vec3u, nwg: vec3u) -> Part {
  let tiles = u.tilesM * u.tilesN;
  let perSplit = tiles * u.batchCount;
  let linear = wid.x + nwg.x * (wid.y + nwg.y * wid.z);
  var p = batchEntry((linear % perSplit) / tiles);
  p.valid = linear < perSplit * u.splitK;
  p.split = linear / perSplit;
  p.tile = linear % tiles;
  return p;
}

// Operand offsets of batch entry z.
fn batchEntry(z: u32) -> Part {
  var p: Part;
  p.valid = true;
  p.z = z;
  let z0 = z % u.dim0;
  let z1 = (z / u.dim0) % u.dim1;
  let z2 = z / (u.dim0 * u.dim1);
  p.a = u.aBase + z0 * u.aS0 + z1 * u.aS1 + z2 * u.aS2;
  p.b = (u.bBase + z0 * u.bS0 + z1 * u.bS1 + z2 * u.bS2) / 4u;
  p.c = u.cBase + z0 * u.cS0 + z1 * u.cS1 + z2 * u.cS2;
  p.bias = z2 * u.biasS2;
  return p;
}

// Offset of row m of A, in f32s from the partition's A offset.
fn rowOfA(m: u32) -> u32 {
  return (m / u.aMInner) * u.aSMOuter + (m % u.aMInner) * u.lda;
}

// Which of k..k+3 are inside the reduction. Masked, not multiplied by B's zero rows: values past
// a window are real input (or lie past the buffer), and an Inf or NaN there times 0 is NaN.
fn kInside(k: u32) -> vec4<bool> {
  return vec4u(k) + vec4u(0u, 1u, 2u, 3u) < vec4u(u.kValid);
}

// Offset of row m of C, in f32s from the partition's C offset (the block kernels step it instead).
fn rowOfC(m: u32) -> u32 {
  return (m / u.cMInner) * u.cSMOuter + (m % u.cMInner) * u.cStrideM;
}

// The bias of columns n0..n0+3 (clamped to the last column; zero without bias): the accumulators
// start from it, so the bias costs one load per column block, not one per output.
fn biasOf(p: Part, n0: u32) -> vec4f {
  if (u.hasBias == 0u) {
    return vec4f(0.0);
  }
  let last = u.N - 1u;
  let b = p.bias;
  return vec4f(bias[b + min(n0, last)], bias[b + min(n0 + 1u, last)], bias[b + min(n0 + 2u, last)], bias[b + min(n0 + 3u, last)]);
}

// The activation: the branches test a pipeline constant, so they compile away (no divergent
// control flow, which SwiftShader runs under masks: branches in the store were a third of a k = 36 GEMM).
fn activate(v: vec4f) -> vec4f {
  if (ACTIVATION == 1u) {
    return max(v, vec4f(0.0));
  }
  if (ACTIVATION == 2u) {
    return min(max(v, vec4f(0.0)), vec4f(6.0));
  }
  return v;
}
