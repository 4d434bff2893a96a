// Batched GEMM on strided views, vec4 family: A is read as vec4 along k, B as vec4 along n, each
// invocation keeps a 4×4 block in four vec4 registers (written out, no arrays: SwiftShader keeps
// indexed arrays in memory). Same views as gemm.wgsl, in units of vec4: every A offset, the
// k-split and B's row length must be multiples of 4 (the lowering pads rows of L to make it so).

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

  let m0 = ((tile / u.tilesN) * WG_Y + lid.y) * 4u;
  let n0 = ((tile % u.tilesN) * WG_X + lid.x) * 4u;
  let lda = u.lda / 4u;
  let ldb = u.ldb / 4u;
  // Past the edge: read a clamped, valid row or column; it is never stored.
  let last = u.M - 1u;
  let a0 = aOffset + min(m0, last) * lda;
  let a1 = aOffset + min(m0 + 1u, last) * lda;
  let a2 = aOffset + min(m0 + 2u, last) * lda;
  let a3 = aOffset + min(m0 + 3u, last) * lda;
  var bIndex = bOffset + min(n0, u.N - 1u) / 4u;
  let inner4 = u.aKInner / 4u;
  let outer4 = u.aKOuter / 4u;

  var acc0 = vec4f(0.0);
  var acc1 = vec4f(0.0);
  var acc2 = vec4f(0.0);
  var acc3 = vec4f(0.0);
  for (var outer = 0u; outer < u.aKCount; outer++) {
    let kBase = outer * outer4;
    for (var inner = 0u; inner < inner4; inner++) {
      let k = kBase + inner;
      let b0 = b[bIndex];
      let b1 = b[bIndex + ldb];
      let b2 = b[bIndex + 2u * ldb];
      let b3 = b[bIndex + 3u * ldb];
      bIndex += 4u * ldb;
      let v0 = a[a0 + k];
      acc0 = fma(vec4f(v0.x), b0, fma(vec4f(v0.y), b1, fma(vec4f(v0.z), b2, fma(vec4f(v0.w), b3, acc0))));
      let v1 = a[a1 + k];
      acc1 = fma(vec4f(v1.x), b0, fma(vec4f(v1.y), b1, fma(vec4f(v1.z), b2, fma(vec4f(v1.w), b3, acc1))));
      let v2 = a[a2 + k];
      acc2 = fma(vec4f(v2.x), b0, fma(vec4f(v2.y), b1, fma(vec4f(v2.z), b2, fma(vec4f(v2.w), b3, acc2))));
      let v3 = a[a3 + k];
      acc3 = fma(vec4f(v3.x), b0, fma(vec4f(v3.y), b1, fma(vec4f(v3.z), b2, fma(vec4f(v3.w), b3, acc3))));
    }
  }

  let biasBase = z2 * u.biasS2;
  store(m0, n0, acc0, cOffset, biasBase);
  store(m0 + 1u, n0, acc1, cOffset, biasBase);
  store(m0 + 2u, n0, acc2, cOffset, biasBase);
  store(m0 + 3u, n0, acc3, cOffset, biasBase);
}
