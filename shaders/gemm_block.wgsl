// Batched GEMM on strided views, register-block family: each invocation computes a TM × 4·TN4
// block held in vec4 registers, A read as vec4 along k, B as vec4 along n, no workgroup memory.
// Large blocks amortise the gathers on CPU-like adapters (PERF-NOTES). The views are gemm.wgsl's,
// counted in vec4s: the plans pad rows of L and of the packed weights to multiples of 4.
// The register block is written out statement by statement: SwiftShader keeps indexed arrays in
// memory (4-6× slower, measured), and WGSL sizes arrays and unrolls nothing by `override`. The host
// fills the three `//#` lines for a given TM × TN4 (the pipeline key names it); all else is override.

//# constants: TM rows and TN4 vec4 columns per invocation

override WG_X: u32 = 8u;
override WG_Y: u32 = 8u;
override ACTIVATION: u32 = 0u;
override HAS_BIAS: bool = false;

struct Gemm {
  M: u32, N: u32, K: u32, batchCount: u32,
  tilesM: u32, tilesN: u32, dim0: u32, dim1: u32,
  aBase: u32, aS0: u32, aS1: u32, aS2: u32,
  lda: u32, aKInner: u32, aKOuter: u32, aKCount: u32,
  bBase: u32, bS0: u32, bS1: u32, bS2: u32,
  ldb: u32, biasS2: u32, cStrideM: u32, cStrideN: u32,
  cBase: u32, cS0: u32, cS1: u32, cS2: u32,
}

@group(0) @binding(0) var<storage, read> a: array<vec4f>;
@group(0) @binding(1) var<storage, read> b: array<vec4f>;
@group(0) @binding(2) var<storage, read> bias: array<f32>;
@group(0) @binding(3) var<storage, read_write> c: array<f32>;
@group(0) @binding(4) var<uniform> u: Gemm;

fn epilogue(v: f32, biasIndex: u32) -> f32 {
  var r = v;
  if (HAS_BIAS) {
    r += bias[biasIndex];
  }
  if (ACTIVATION == 1u) {
    r = max(r, 0.0);
  } else if (ACTIVATION == 2u) {
    r = clamp(r, 0.0, 6.0);
  }
  return r;
}

fn store(row: u32, n0: u32, acc: vec4f, cOffset: u32, biasBase: u32) {
  if (row >= u.M) {
    return;
  }
  let base = cOffset + row * u.cStrideM;
  for (var j = 0u; j < 4u; j++) {
    let n = n0 + j;
    if (n < u.N) {
      c[base + n * u.cStrideN] = epilogue(acc[j], biasBase + n);
    }
  }
}

@compute @workgroup_size(WG_X, WG_Y, 1)
fn main(@builtin(workgroup_id) wid: vec3u, @builtin(num_workgroups) nwg: vec3u, @builtin(local_invocation_id) lid: vec3u) {
  let tiles = u.tilesM * u.tilesN;
  let linear = wid.x + nwg.x * (wid.y + nwg.y * wid.z);
  if (linear >= tiles * u.batchCount) {
    return;
  }
  let z = linear / tiles;
  let tile = linear % tiles;
  let z0 = z % u.dim0;
  let z1 = (z / u.dim0) % u.dim1;
  let z2 = z / (u.dim0 * u.dim1);
  let aOffset = (u.aBase + z0 * u.aS0 + z1 * u.aS1 + z2 * u.aS2) / 4u;
  let bOffset = (u.bBase + z0 * u.bS0 + z1 * u.bS1 + z2 * u.bS2) / 4u;
  let cOffset = u.cBase + z0 * u.cS0 + z1 * u.cS1 + z2 * u.cS2;
  let biasBase = z2 * u.biasS2;

  let m0 = ((tile / u.tilesN) * WG_Y + lid.y) * TM;
  let n0 = ((tile % u.tilesN) * WG_X + lid.x) * TN4 * 4u;
  let lda = u.lda / 4u;
  let ldb = u.ldb / 4u;
  // Past the edge: read a clamped, valid row or column; it is never stored.
  let lastRow = u.M - 1u;
  let lastCol = u.N - 1u;
  let inner4 = u.aKInner / 4u;
  let outer4 = u.aKOuter / 4u;
  //# declarations: row offsets aR<i>, column offsets bC<j>, accumulators acc<i>_<j>

  var bRow = 0u;
  for (var outer = 0u; outer < u.aKCount; outer++) {
    let kBase = outer * outer4;
    for (var inner = 0u; inner < inner4; inner++) {
      let k = kBase + inner;
      //# body: 4 × TN4 vec4 loads of B, TM vec4 loads of A, TM × TN4 × 4 vec4 fma
      bRow += 4u * ldb;
    }
  }

  //# stores: one store() per accumulator
}
