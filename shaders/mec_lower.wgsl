// MEC lowering (paper, Algorithm 1): L[g][n][w] is the vertical strip of the padded input under
// output column w, all i_h rows × k_w (dilated) taps × the group's channels, flattened (h, k_w, c).
// Padding is a bounds check here: no padded copy of the input is ever made. Each (h) run of
// k_w·i_c values is stored rowPad long (zeros after it) so the vec4 GEMM reads aligned rows.

override WORKGROUP_SIZE: u32 = 64u;
override INPUT_NCHW: bool = false;

struct Lower {
  total: u32, batch: u32, inH: u32, inW: u32,
  inC: u32, inCPerGroup: u32, kW: u32, outW: u32,
  paddedH: u32, strideW: u32, dilationW: u32, padTop: u32,
  padLeft: u32, rowPad: u32, _p0: u32, _p1: u32,
}

@group(0) @binding(0) var<storage, read> x: array<f32>;
@group(0) @binding(1) var<storage, read_write> l: array<f32>;
@group(0) @binding(2) var<uniform> u: Lower;

@compute @workgroup_size(WORKGROUP_SIZE)
fn main(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let e = gid.x + nwg.x * WORKGROUP_SIZE * (gid.y + nwg.y * gid.z);
  if (e >= u.total) {
    return;
  }
  // Layout [g][n][w][h][rowPad], the first k_w·i_c/g of each run being (s, c).
  let j = e % u.rowPad;
  var t = e / u.rowPad;
  let cg = j % u.inCPerGroup;
  let s = j / u.inCPerGroup;
  let hp = t % u.paddedH;
  t /= u.paddedH;
  let w = t % u.outW;
  t /= u.outW;
  let n = t % u.batch;
  let g = t / u.batch;
  let ih = i32(hp) - i32(u.padTop);
  let iw = i32(w * u.strideW + s * u.dilationW) - i32(u.padLeft);
  var v = 0.0;
  if (s < u.kW && ih >= 0 && ih < i32(u.inH) && iw >= 0 && iw < i32(u.inW)) {
    let c = g * u.inCPerGroup + cg;
    let h = u32(ih);
    let ww = u32(iw);
    if (INPUT_NCHW) {
      v = x[((n * u.inC + c) * u.inH + h) * u.inW + ww];
    } else {
      v = x[((n * u.inH + h) * u.inW + ww) * u.inC + c];
    }
  }
  l[e] = v;
}
