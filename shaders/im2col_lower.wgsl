// im2col lowering (the baseline MEC is measured against): one row per output pixel, holding the
// k_h × k_w (dilated) window × the group's channels. Rows overlap k_h/s_h times vertically: that
// duplication is what MEC avoids. Padding by bounds checks. Rows are rowPad long (zeros after the
// k_h·k_w·i_c/g values) so the vec4 GEMM reads aligned rows.

override WORKGROUP_SIZE: u32 = 64u;
override INPUT_NCHW: bool = false;

struct Lower {
  total: u32, batch: u32, inH: u32, inW: u32,
  inC: u32, inCPerGroup: u32, kH: u32, kW: u32,
  outH: u32, outW: u32, strideH: u32, strideW: u32,
  dilationH: u32, dilationW: u32, padTop: u32, padLeft: u32,
  rowPad: u32, _p0: u32, _p1: u32, _p2: u32,
}

@group(0) @binding(0) var<storage, read> x: array<f32>;
@group(0) @binding(1) var<storage, read_write> cols: array<f32>;
@group(0) @binding(2) var<uniform> u: Lower;

@compute @workgroup_size(WORKGROUP_SIZE)
fn main(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let e = gid.x + nwg.x * WORKGROUP_SIZE * (gid.y + nwg.y * gid.z);
  if (e >= u.total) {
    return;
  }
  // Layout [g][n][oh][ow][rowPad], the first k_h·k_w·i_c/g of each row being (r, s, c).
  let j = e % u.rowPad;
  var t = e / u.rowPad;
  let cg = j % u.inCPerGroup;
  let s = (j / u.inCPerGroup) % u.kW;
  let r = j / (u.inCPerGroup * u.kW);
  let ow = t % u.outW;
  t /= u.outW;
  let oh = t % u.outH;
  t /= u.outH;
  let n = t % u.batch;
  let g = t / u.batch;
  let ih = i32(oh * u.strideH + r * u.dilationH) - i32(u.padTop);
  let iw = i32(ow * u.strideW + s * u.dilationW) - i32(u.padLeft);
  var v = 0.0;
  if (r < u.kH && ih >= 0 && ih < i32(u.inH) && iw >= 0 && iw < i32(u.inW)) {
    let c = g * u.inCPerGroup + cg;
    let h = u32(ih);
    let w = u32(iw);
    if (INPUT_NCHW) {
      v = x[((n * u.inC + c) * u.inH + h) * u.inW + w];
    } else {
      v = x[((n * u.inH + h) * u.inW + w) * u.inC + c];
    }
  }
  cols[e] = v;
}
