// Depthwise convolution (groups = input channels, channel multiplier = k_c / i_c): each output
// channel o reads only input channel o / multiplier, so there is no reduction over channels and
// no GEMM to build; one output element per invocation, zero workspace.

override INPUT_NCHW: bool = false; // NCHW input, OIHW weights and NCHW output when true

@group(0) @binding(0) var<storage, read> x: array<f32>;
@group(0) @binding(1) var<storage, read> w: array<f32>;
@group(0) @binding(2) var<storage, read> bias: array<f32>;
@group(0) @binding(3) var<storage, read_write> y: array<f32>;
@group(0) @binding(4) var<uniform> u: Depthwise;

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
  let c = o / u.multiplier;
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
      var xv: f32;
      var wv: f32;
      if (INPUT_NCHW) {
        xv = x[((n * u.inC + c) * u.inH + u32(ih)) * u.inW + u32(iw)];
        wv = w[(o * u.kH + r) * u.kW + s];
      } else {
        xv = x[((n * u.inH + u32(ih)) * u.inW + u32(iw)) * u.inC + c];
        wv = w[(r * u.kW + s) * u.outC + o];
      }
      acc = fma(xv, wv, acc);
    }
  }
  if (ACTIVATION == 1u) {
    acc = max(acc, 0.0);
  } else if (ACTIVATION == 2u) {
    acc = clamp(acc, 0.0, 6.0);
  }
  y[e] = acc;
}
