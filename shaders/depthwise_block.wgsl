// Depthwise convolution, NHWC with channel multiplier 1, i_c a multiple of 4 and dilation 1:
// each invocation computes a ROWS × COLS block of output pixels for four adjacent channels (one
// vec4). The block's input window, (ROWS−1)·s_h + k_h rows of (COLS−1)·s_w + k_w pixels, is read
// once, pixel by pixel, and each weight once; every tap reuses those registers. On SwiftShader a
// load from a computed index is what costs (about 25 ns a vec4): a 4 × 8 block of a 3 × 3, stride 1
// layer reads 2.2 vec4s per output, against 4.9 for a row of 8 with a sliding window.
// The host writes out the `//#` lines for one (k_h, k_w, s_h, s_w) and block: SwiftShader keeps
// indexed arrays in memory, and WGSL cannot unroll by `override`. Padding reads a clamped, valid
// pixel and selects zero: no branch per load.
//# constants: ROWS, COLS and the kernel's shape

@compute @workgroup_size(WORKGROUP_SIZE)
fn main(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  // e counts (channel vec4, block column, block row, image): total of them.
  let e = gid.x + nwg.x * WORKGROUP_SIZE * (gid.y + nwg.y * gid.z);
  if (e >= u.total) {
    return;
  }
  let c4 = u.outC / 4u;
  let colBlocks = (u.outW + COLS - 1u) / COLS;
  let rowBlocks = (u.outH + ROWS - 1u) / ROWS;
  let c = e % c4;
  let ow0 = ((e / c4) % colBlocks) * COLS;
  let oh0 = ((e / (c4 * colBlocks)) % rowBlocks) * ROWS;
  let n = e / (c4 * colBlocks * rowBlocks);
  let ih0 = i32(oh0 * u.strideH) - i32(u.padTop);
  let iw0 = i32(ow0 * u.strideW) - i32(u.padLeft);
  let lastRow = i32(u.inH) - 1;
  let lastCol = i32(u.inW) - 1;
  let rowStride = u.inW * c4;
  let image = n * u.inH;
  var start = vec4f(0.0);
  if (HAS_BIAS) {
    start = bias[c];
  }
  //# declarations: weights w<r>_<s>, input columns col<q> and their validity colOk<q>, accumulators acc<i>_<j>

  //# body: per input row t, its pixels x<q> (zero in the padding), then every tap that reads them

  let outRow = (n * u.outH + oh0) * u.outW + ow0;
  //# stores: acc<i>_<j> to output pixel (oh0 + i, ow0 + j) when inside the output
}
