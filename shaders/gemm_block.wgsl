// Register-block GEMM family (appended to gemm_common.wgsl): each invocation computes a
// TM × 4·TN4 block held in vec4 registers, A read as vec4 along k, B as vec4 along n, no
// workgroup memory. Large blocks amortise the gathers on CPU-like adapters (PERF-NOTES).
// The block is written out statement by statement: SwiftShader keeps indexed arrays in memory
// (4-6× slower, measured), and WGSL neither sizes arrays nor unrolls loops by `override`. The
// host fills the `//#` lines for a given TM × TN4 (the pipeline key names it). With B shared
// (gemm.ts, shareB) the host adds `enable subgroups;`, the workgroup is one column of invocations
// (WG_X = 1, so a subgroup's lanes read the same columns of B) and each lane loads one of the
// four rows of B per quad of k, broadcast to the others: a quarter of the B loads.
//# constants: TM rows and TN4 vec4 columns per invocation

override WG_X: u32 = 8u;
override WG_Y: u32 = 8u;

@compute @workgroup_size(WG_X, WG_Y, 1)
fn main(
  @builtin(workgroup_id) wid: vec3u,
  @builtin(num_workgroups) nwg: vec3u,
  @builtin(local_invocation_id) lid: vec3u,
  //# builtins: the subgroup lane, where the lanes share B
) {
  let p = partOf(wid, nwg);
  if (!p.valid) {
    return;
  }
  let m0 = ((p.tile / u.tilesN) * WG_Y + lid.y) * TM;
  let n0 = ((p.tile % u.tilesN) * WG_X + lid.x) * TN4 * 4u;
  let ldb = u.ldb / 4u;
  // Past the edge: read a clamped, valid row or column; it is never stored.
  let lastRow = u.M - 1u;
  let lastCol = u.N - 1u;
  let inner4 = u.aKInner / 4u;
  let outer4 = u.aKOuter / 4u;
  let aOffset = p.a;
  let bOffset = p.b;
  //# declarations: row offsets aR<i>, column offsets bC<j>, accumulators acc<i>_<j>

  // One loop over the quads of k that steps to the next k-split segment in place: a nested loop
  // costs a fixed ~8 ms more on SwiftShader (K = 28, 50176 × 64: 46 against 39 ms; K = 4: 25 against 17).
  let quads = u.aKCount * inner4;
  var k = 0u;
  var left = inner4;
  var bRow = 0u;
  for (var q = 0u; q < quads; q++) {
    //# body: 4 × TN4 vec4 loads of B, TM vec4 loads of A, TM × TN4 × 4 vec4 fma
    bRow += 4u * ldb;
    left -= 1u;
    let wrap = left == 0u;
    k = select(k + 1u, k + 1u + outer4 - inner4, wrap);
    left = select(left, inner4, wrap);
  }

  //# stores: one store() per accumulator
}
