// Batched GEMM on strided views: C[z] = act(A[z] × B[z] + bias[z]).
// A is read through (offset, leading dimension, k-split) so MEC's overlapping sub-matrices of L
// (MEC.md, "The GEMMs") are used in place, never copied. One dispatch covers every batch entry z,
// the output partitions of the convolution; workgroup ids are folded to fit the grid limits.

// Invocations per workgroup along N (x) and M (y).
override WG_X: u32 = 8u;
override WG_Y: u32 = 8u;
// 0: none, 1: relu, 2: relu6.
override ACTIVATION: u32 = 0u;
override HAS_BIAS: bool = false;

// Outputs per invocation: a TM×TN register block (function-scope arrays need const sizes).
const TM = 4u;
const TN = 4u;

struct Gemm {
  M: u32, N: u32, K: u32, batchCount: u32,
  tilesM: u32, tilesN: u32, dim0: u32, dim1: u32,
  // z = (z2 * dim1 + z1) * dim0 + z0; each operand's offset is base + Σ zi·strideI.
  aBase: u32, aS0: u32, aS1: u32, aS2: u32,
  // A[m][k] = a[aOffset + m·lda + (k / aKInner)·aKOuter + k % aKInner]: the k-split steps
  // over dilated kernel rows (aKOuter = d_h·k_w·i_c) inside a row of L.
  lda: u32, aKInner: u32, aKOuter: u32, aKCount: u32,
  bBase: u32, bS0: u32, bS1: u32, bS2: u32,
  ldb: u32, biasS2: u32, cStrideM: u32, cStrideN: u32,
  cBase: u32, cS0: u32, cS1: u32, cS2: u32,
}

@group(0) @binding(0) var<storage, read> a: array<f32>;
@group(0) @binding(1) var<storage, read> b: array<f32>;
@group(0) @binding(2) var<storage, read> bias: array<f32>;
@group(0) @binding(3) var<storage, read_write> c: array<f32>;
@group(0) @binding(4) var<uniform> u: Gemm;

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
  let aOffset = u.aBase + z0 * u.aS0 + z1 * u.aS1 + z2 * u.aS2;
  let bOffset = u.bBase + z0 * u.bS0 + z1 * u.bS1 + z2 * u.bS2;
  let cOffset = u.cBase + z0 * u.cS0 + z1 * u.cS1 + z2 * u.cS2;

  let m0 = ((tile / u.tilesN) * WG_Y + lid.y) * TM;
  let n0 = ((tile % u.tilesN) * WG_X + lid.x) * TN;
  // Rows and columns past the edge read a clamped, valid element and are never stored: no branches in the loop.
  var aRow: array<u32, TM>;
  for (var i = 0u; i < TM; i++) {
    aRow[i] = aOffset + min(m0 + i, u.M - 1u) * u.lda;
  }
  var bCol: array<u32, TN>;
  for (var j = 0u; j < TN; j++) {
    bCol[j] = bOffset + min(n0 + j, u.N - 1u);
  }

  var acc: array<array<f32, TN>, TM>;
  var k = 0u;
  for (var outer = 0u; outer < u.aKCount; outer++) {
    let aCol = outer * u.aKOuter;
    for (var inner = 0u; inner < u.aKInner; inner++) {
      var av: array<f32, TM>;
      for (var i = 0u; i < TM; i++) {
        av[i] = a[aRow[i] + aCol + inner];
      }
      let bRow = k * u.ldb;
      for (var j = 0u; j < TN; j++) {
        let bv = b[bCol[j] + bRow];
        for (var i = 0u; i < TM; i++) {
          acc[i][j] = fma(av[i], bv, acc[i][j]);
        }
      }
      k++;
    }
  }

  for (var i = 0u; i < TM; i++) {
    let m = m0 + i;
    if (m >= u.M) {
      break;
    }
    for (var j = 0u; j < TN; j++) {
      let n = n0 + j;
      if (n >= u.N) {
        break;
      }
      var v = acc[i][j];
      if (HAS_BIAS) {
        v += bias[z2 * u.biasS2 + n];
      }
      if (ACTIVATION == 1u) {
        v = max(v, 0.0);
      } else if (ACTIVATION == 2u) {
        v = clamp(v, 0.0, 6.0);
      }
      c[cOffset + m * u.cStrideM + n * u.cStrideN] = v;
    }
  }
}
