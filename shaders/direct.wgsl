// Direct convolution: one output element per invocation, summed straight from the input.
// Zero workspace; reads each input element k_h·k_w/(s_h·s_w) times (MEC.md, "Workspace").

override WORKGROUP_SIZE: u32 = 64u;
override INPUT_NCHW: bool = false; // NCHW input, OIHW weights and NCHW output when true
override ACTIVATION: u32 = 0u;
override HAS_BIAS: bool = false;

struct Conv {
  total: u32, batch: u32, inH: u32, inW: u32,
  inC: u32, inCPerGroup: u32, kH: u32, kW: u32,
  outH: u32, outW: u32, outC: u32, outCPerGroup: u32,
  strideH: u32, strideW: u32, dilationH: u32, dilationW: u32,
  padTop: u32, padLeft: u32, _p0: u32, _p1: u32,
}

@group(0) @binding(0) var<storage, read> x: array<f32>;
@group(0) @binding(1) var<storage, read> w: array<f32>;
@group(0) @binding(2) var<storage, read> bias: array<f32>;
@group(0) @binding(3) var<storage, read_write> y: array<f32>;
@group(0) @binding(4) var<uniform> u: Conv;

fn inputAt(n: u32, h: u32, ww: u32, c: u32) -> f32 {
  if (INPUT_NCHW) {
    return x[((n * u.inC + c) * u.inH + h) * u.inW + ww];
  }
  return x[((n * u.inH + h) * u.inW + ww) * u.inC + c];
}

fn weightAt(r: u32, s: u32, ci: u32, o: u32) -> f32 {
  if (INPUT_NCHW) {
    return w[((o * u.inCPerGroup + ci) * u.kH + r) * u.kW + s];
  }
  return w[((r * u.kW + s) * u.inCPerGroup + ci) * u.outC + o];
}

@compute @workgroup_size(WORKGROUP_SIZE)
fn main(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let e = gid.x + nwg.x * WORKGROUP_SIZE * (gid.y + nwg.y * gid.z);
  if (e >= u.total) {
    return;
  }
  var o: u32;
  var ow: u32;
  var oh: u32;
  var n: u32;
  if (INPUT_NCHW) {
    ow = e % u.outW;
    oh = (e / u.outW) % u.outH;
    o = (e / (u.outW * u.outH)) % u.outC;
    n = e / (u.outW * u.outH * u.outC);
  } else {
    o = e % u.outC;
    ow = (e / u.outC) % u.outW;
    oh = (e / (u.outC * u.outW)) % u.outH;
    n = e / (u.outC * u.outW * u.outH);
  }
  let g = o / u.outCPerGroup;
  var acc = 0.0;
  if (HAS_BIAS) {
    acc = bias[o];
  }
  for (var r = 0u; r < u.kH; r++) {
    let ih = i32(oh * u.strideH + r * u.dilationH) - i32(u.padTop);
    if (ih < 0 || ih >= i32(u.inH)) {
      continue;
    }
    for (var s = 0u; s < u.kW; s++) {
      let iw = i32(ow * u.strideW + s * u.dilationW) - i32(u.padLeft);
      if (iw < 0 || iw >= i32(u.inW)) {
        continue;
      }
      for (var ci = 0u; ci < u.inCPerGroup; ci++) {
        acc = fma(inputAt(n, u32(ih), u32(iw), g * u.inCPerGroup + ci), weightAt(r, s, ci, o), acc);
      }
    }
  }
  if (ACTIVATION == 1u) {
    acc = max(acc, 0.0);
  } else if (ACTIVATION == 2u) {
    acc = clamp(acc, 0.0, 6.0);
  }
  y[e] = acc;
}
