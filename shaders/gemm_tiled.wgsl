// Workgroup-tiled GEMM family (appended to gemm_common.wgsl), for GPUs: the workgroup stages a
// TILE_M × TILE_K block of A and a TILE_K × TILE_N block of B in workgroup memory, then each
// invocation accumulates a 4 × 4 block from it (TF.js's conv2d_mm design). Every quad of A lies
// inside one run of L (runs are multiples of 4, or one window spans all of K), so the k-split
// costs one division per load.

override WG_X: u32 = 16u; // invocations along N; TILE_N = 4·WG_X
override WG_Y: u32 = 16u; // along M; TILE_M = 4·WG_Y
override TILE_K: u32 = 16u; // a multiple of 4
override THREADS: u32 = WG_X * WG_Y;

var<workgroup> tileA: array<vec4f, 4u * WG_Y * TILE_K / 4u>; // [m][k / 4]
var<workgroup> tileB: array<vec4f, TILE_K * WG_X>; // [k][n / 4]

@compute @workgroup_size(WG_X, WG_Y, 1)
fn main(@builtin(workgroup_id) wid: vec3u, @builtin(num_workgroups) nwg: vec3u, @builtin(local_invocation_id) lid: vec3u,
        @builtin(local_invocation_index) li: u32) {
  // Every invocation reaches the barriers: an invalid partition computes on clamped data and stores nothing.
  let p = partOf(wid, nwg);
  let tileM0 = (p.tile / u.tilesN) * 4u * WG_Y;
  let tileN0 = (p.tile % u.tilesN) * 4u * WG_X;
  let ldb = u.ldb / 4u;
  let k4PerTile = TILE_K / 4u;

  let bias0 = biasOf(p, tileN0 + 4u * lid.x);
  var acc0 = bias0;
  var acc1 = bias0;
  var acc2 = bias0;
  var acc3 = bias0;
  // This workgroup's split-K slice of the reduction (all of it when splitK = 1).
  let kBegin = p.split * u.kChunk;
  let kEnd = min(u.K, kBegin + u.kChunk);
  for (var k0 = kBegin; k0 < kEnd; k0 += TILE_K) {
    for (var i = li; i < 4u * WG_Y * k4PerTile; i += THREADS) {
      let m = tileM0 + i / k4PerTile;
      let k = k0 + 4u * (i % k4PerTile);
      var v = vec4f(0.0);
      if (p.valid && m < u.M && k < kEnd) {
        let column = (k / u.aKInner) * u.aKOuter + k % u.aKInner;
        v = select(vec4f(0.0), loadA(p.a + rowOfA(m) + column), kInside(k));
      }
      tileA[i] = v;
    }
    for (var i = li; i < TILE_K * WG_X; i += THREADS) {
      let k = k0 + i / WG_X;
      let n = tileN0 + 4u * (i % WG_X);
      var v = vec4f(0.0);
      if (p.valid && k < kEnd && n < u.N) {
        v = b[p.b + k * ldb + n / 4u];
      }
      tileB[i] = v;
    }
    workgroupBarrier();
    for (var k4 = 0u; k4 < k4PerTile; k4++) {
      let b0 = tileB[(4u * k4) * WG_X + lid.x];
      let b1 = tileB[(4u * k4 + 1u) * WG_X + lid.x];
      let b2 = tileB[(4u * k4 + 2u) * WG_X + lid.x];
      let b3 = tileB[(4u * k4 + 3u) * WG_X + lid.x];
      let row = 4u * lid.y;
      let a0 = tileA[row * k4PerTile + k4];
      let a1 = tileA[(row + 1u) * k4PerTile + k4];
      let a2 = tileA[(row + 2u) * k4PerTile + k4];
      let a3 = tileA[(row + 3u) * k4PerTile + k4];
      acc0 = fma(vec4f(a0.x), b0, fma(vec4f(a0.y), b1, fma(vec4f(a0.z), b2, fma(vec4f(a0.w), b3, acc0))));
      acc1 = fma(vec4f(a1.x), b0, fma(vec4f(a1.y), b1, fma(vec4f(a1.z), b2, fma(vec4f(a1.w), b3, acc1))));
      acc2 = fma(vec4f(a2.x), b0, fma(vec4f(a2.y), b1, fma(vec4f(a2.z), b2, fma(vec4f(a2.w), b3, acc2))));
      acc3 = fma(vec4f(a3.x), b0, fma(vec4f(a3.y), b1, fma(vec4f(a3.z), b2, fma(vec4f(a3.w), b3, acc3))));
    }
    workgroupBarrier();
  }

  if (!p.valid) {
    return;
  }
  let m0 = tileM0 + 4u * lid.y;
  let n0 = tileN0 + 4u * lid.x;
  store(m0, rowOfC(m0), n0, acc0, p);
  store(m0 + 1u, rowOfC(m0 + 1u), n0, acc1, p);
  store(m0 + 2u, rowOfC(m0 + 2u), n0, acc2, p);
  store(m0 + 3u, rowOfC(m0 + 3u), n0, acc3, p);
}
