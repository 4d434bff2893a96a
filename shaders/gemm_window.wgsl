// MEC's window-sharing block kernel (appended to gemm_common.wgsl, A as vec4s): the register
// block of gemm_block.wgsl, TM = TW × TH rows by 4·TN4 columns, with its rows chosen as TW output
// columns w × TH adjacent output rows h. Output row h of column w reads k_h runs of L's strip w
// starting at run h·s_h (MEC.md, "The GEMMs"), so rows h and h + 1 share runs: the block loads
// each run of its strips once per quad of k and multiplies it into every row whose window holds
// it (TW·(TH·s_h + …) loads, against TM·k_h for TM separate rows). im2col's rows are copies and
// cannot share. Rows are m = h·o_w + w (o_w = aMInner; lda, the strip stride; aKInner, the
// run; aKOuter, d_h·run). The host fills the `//#` lines for one TW × TH × TN4 × k_h × s_h × d_h
// (the pipeline key names it) and picks TH ≤ o_h, so a block shifted up to end at row o_h − 1
// reads only real runs; it stores just the rows from its own first row on.
//# constants: TW, TH, TN4

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
  let outW = u.aMInner;
  let outH = u.M / outW;
  let blocksH = (outH + TH - 1u) / TH;
  let block = (p.tile / u.tilesN) * WG_Y + lid.y;
  let w0 = (block / blocksH) * TW;
  let hOwn = (block % blocksH) * TH;
  let h0 = min(hOwn, outH - TH);
  let n0 = ((p.tile % u.tilesN) * WG_X + lid.x) * TN4 * 4u;
  let ldb = u.ldb / 4u;
  let lastCol = u.N - 1u;
  let run4 = u.aKInner / 4u;
  let aOffset = p.a;
  let bOffset = p.b;
  //# declarations: strip offsets aS<w>, run offsets r<i>, segment offsets bSeg<s>, column offsets bC<j>, accumulators

  var bRow = 0u;
  var k = 0u;
  //# loop: over the quads k of a run; short runs test at the bottom (loop, break if), others at the top (for)
    //# body: every segment's 4 × TN4 vec4s of B, each run of the strips loaded once and multiplied into its rows
    bRow += 4u * ldb;
    //# next: a short run's continuing block
  }

  //# stores: the block's own rows, one store() per accumulator
}
