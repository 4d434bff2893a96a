// Depthwise convolution, NHWC with channel multiplier 1 and i_c a multiple of 4: each invocation
// computes four adjacent channels (one vec4) of OUT_COLS adjacent output pixels of a row, so each
// weight vec4 is loaded once for OUT_COLS outputs and every access is a vec4. Zero workspace.

override WORKGROUP_SIZE: u32 = 64u;
override ACTIVATION: u32 = 0u;
override HAS_BIAS: bool = false;
const OUT_COLS = 4u;

struct Depthwise {
  total: u32, batch: u32, inH: u32, inW: u32,
  inC: u32, multiplier: u32, kH: u32, kW: u32,
  outH: u32, outW: u32, outC: u32, strideH: u32,
  strideW: u32, dilationH: u32, dilationW: u32, padTop: u32,
  padLeft: u32, _p0: u32, _p1: u32, _p2: u32,
}

@group(0) @binding(0) var<storage, read> x: array<vec4f>;
@group(0) @binding(1) var<storage, read> w: array<vec4f>;
@group(0) @binding(2) var<storage, read> bias: array<vec4f>;
@group(0) @binding(3) var<storage, read_write> y: array<vec4f>;
@group(0) @binding(4) var<uniform> u: Depthwise;

fn activate(v: vec4f) -> vec4f {
  if (ACTIVATION == 1u) {
    return max(v, vec4f(0.0));
  } else if (ACTIVATION == 2u) {
    return clamp(v, vec4f(0.0), vec4f(6.0));
  }
  return v;
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
  let inW = i32(u.inW);
  for (var r = 0u; r < u.kH; r++) {
    let ih = i32(oh * u.strideH + r * u.dilationH) - i32(u.padTop);
    if (ih < 0 || ih >= i32(u.inH)) {
      continue;
    }
    let rowBase = (n * u.inH + u32(ih)) * u.inW;
    for (var s = 0u; s < u.kW; s++) {
      let wv = w[(r * u.kW + s) * c4 + c];
      let iw0 = i32(ow0 * u.strideW + s * u.dilationW) - i32(u.padLeft);
      let sw = i32(u.strideW);
      // Out-of-range columns (padding, or past the row) contribute zero.
      let i0 = iw0;
      let i1 = iw0 + sw;
      let i2 = iw0 + 2 * sw;
      let i3 = iw0 + 3 * sw;
      if (i0 >= 0 && i0 < inW) { acc0 = fma(x[(rowBase + u32(i0)) * c4 + c], wv, acc0); }
      if (i1 >= 0 && i1 < inW) { acc1 = fma(x[(rowBase + u32(i1)) * c4 + c], wv, acc1); }
      if (i2 >= 0 && i2 < inW) { acc2 = fma(x[(rowBase + u32(i2)) * c4 + c], wv, acc2); }
      if (i3 >= 0 && i3 < inW) { acc3 = fma(x[(rowBase + u32(i3)) * c4 + c], wv, acc3); }
    }
  }
  let outBase = (n * u.outH + oh) * u.outW;
  y[(outBase + ow0) * c4 + c] = activate(acc0);
  if (ow0 + 1u < u.outW) { y[(outBase + ow0 + 1u) * c4 + c] = activate(acc1); }
  if (ow0 + 2u < u.outW) { y[(outBase + ow0 + 2u) * c4 + c] = activate(acc2); }
  if (ow0 + 3u < u.outW) { y[(outBase + ow0 + 3u) * c4 + c] = activate(acc3); }
}
