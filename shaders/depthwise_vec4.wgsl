// Depthwise convolution, NHWC with channel multiplier 1 and i_c a multiple of 4: each invocation
// computes four adjacent channels (one vec4) of OUT_COLS = 8 adjacent output pixels of a row, so
// each weight vec4 is loaded once for 8 outputs and every access is a vec4. Where the stride
// and dilation along w are 1, the 8 input pixels under tap s + 1 are those under tap s shifted
// by one: one new load per tap instead of 8 (memory accesses are what cost on SwiftShader).
// Zero workspace. The 8 columns are written out by hand: SwiftShader keeps indexed arrays in memory.

// s_w = d_w = 1: slide the window of input pixels along the row.
override SLIDE: bool = false;
const OUT_COLS = 8u;

// Input pixel iw of the row whose channel vec4 of pixel 0 is at x[row]; zero in the padding.
fn pixel(row: u32, iw: i32, c4: u32) -> vec4f {
  if (iw < 0 || iw >= i32(u.inW)) {
    return vec4f(0.0);
  }
  return x[row + u32(iw) * c4];
}

@compute @workgroup_size(WORKGROUP_SIZE)
fn main(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  // e counts (channel vec4, group of OUT_COLS output columns, row, image): total of them.
  let e = gid.x + nwg.x * WORKGROUP_SIZE * (gid.y + nwg.y * gid.z);
  if (e >= u.total) {
    return;
  }
  let c4 = u.outC / 4u;
  let colGroups = (u.outW + OUT_COLS - 1u) / OUT_COLS;
  let c = e % c4;
  let ow0 = ((e / c4) % colGroups) * OUT_COLS;
  let oh = (e / (c4 * colGroups)) % u.outH;
  let n = e / (c4 * colGroups * u.outH);
  var start = vec4f(0.0);
  if (HAS_BIAS) {
    start = bias[c];
  }
  var acc0 = start;
  var acc1 = start;
  var acc2 = start;
  var acc3 = start;
  var acc4 = start;
  var acc5 = start;
  var acc6 = start;
  var acc7 = start;
  let sw = i32(u.strideW);
  let iw0 = i32(ow0 * u.strideW) - i32(u.padLeft);
  for (var r = 0u; r < u.kH; r++) {
    let ih = i32(oh * u.strideH + r * u.dilationH) - i32(u.padTop);
    if (ih < 0 || ih >= i32(u.inH)) {
      continue;
    }
    let row = (n * u.inH + u32(ih)) * u.inW * c4 + c;
    if (SLIDE) {
      var x0 = pixel(row, iw0 + 0, c4);
      var x1 = pixel(row, iw0 + 1, c4);
      var x2 = pixel(row, iw0 + 2, c4);
      var x3 = pixel(row, iw0 + 3, c4);
      var x4 = pixel(row, iw0 + 4, c4);
      var x5 = pixel(row, iw0 + 5, c4);
      var x6 = pixel(row, iw0 + 6, c4);
      for (var s = 0u; s < u.kW; s++) {
        let x7 = pixel(row, iw0 + i32(s) + 7, c4);
        let wv = w[(r * u.kW + s) * c4 + c];
        acc0 = fma(x0, wv, acc0);
        acc1 = fma(x1, wv, acc1);
        acc2 = fma(x2, wv, acc2);
        acc3 = fma(x3, wv, acc3);
        acc4 = fma(x4, wv, acc4);
        acc5 = fma(x5, wv, acc5);
        acc6 = fma(x6, wv, acc6);
        acc7 = fma(x7, wv, acc7);
        x0 = x1;
        x1 = x2;
        x2 = x3;
        x3 = x4;
        x4 = x5;
        x5 = x6;
        x6 = x7;
      }
    } else {
      for (var s = 0u; s < u.kW; s++) {
        let wv = w[(r * u.kW + s) * c4 + c];
        let iws = iw0 + i32(s * u.dilationW);
        acc0 = fma(pixel(row, iws + 0 * sw, c4), wv, acc0);
        acc1 = fma(pixel(row, iws + 1 * sw, c4), wv, acc1);
        acc2 = fma(pixel(row, iws + 2 * sw, c4), wv, acc2);
        acc3 = fma(pixel(row, iws + 3 * sw, c4), wv, acc3);
        acc4 = fma(pixel(row, iws + 4 * sw, c4), wv, acc4);
        acc5 = fma(pixel(row, iws + 5 * sw, c4), wv, acc5);
        acc6 = fma(pixel(row, iws + 6 * sw, c4), wv, acc6);
        acc7 = fma(pixel(row, iws + 7 * sw, c4), wv, acc7);
      }
    }
  }
  let outBase = (n * u.outH + oh) * u.outW;
  if (ow0 + 0u < u.outW) { y[(outBase + ow0 + 0u) * c4 + c] = activate(acc0); }
  if (ow0 + 1u < u.outW) { y[(outBase + ow0 + 1u) * c4 + c] = activate(acc1); }
  if (ow0 + 2u < u.outW) { y[(outBase + ow0 + 2u) * c4 + c] = activate(acc2); }
  if (ow0 + 3u < u.outW) { y[(outBase + ow0 + 3u) * c4 + c] = activate(acc3); }
  if (ow0 + 4u < u.outW) { y[(outBase + ow0 + 4u) * c4 + c] = activate(acc4); }
  if (ow0 + 5u < u.outW) { y[(outBase + ow0 + 5u) * c4 + c] = activate(acc5); }
  if (ow0 + 6u < u.outW) { y[(outBase + ow0 + 6u) * c4 + c] = activate(acc6); }
  if (ow0 + 7u < u.outW) { y[(outBase + ow0 + 7u) * c4 + c] = activate(acc7); }
}
