// Depthwise convolution, NHWC with channel multiplier 1 and i_c a multiple of 4: each invocation
// computes four adjacent channels of one output pixel as a vec4, so every input, weight and output
// access is one vec4 (4× fewer accesses than depthwise.wgsl). Zero workspace.

override WORKGROUP_SIZE: u32 = 64u;
override ACTIVATION: u32 = 0u;
override HAS_BIAS: bool = false;

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

@compute @workgroup_size(WORKGROUP_SIZE)
fn main(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  // e counts vec4s of the NHWC output: total = elements / 4.
  let e = gid.x + nwg.x * WORKGROUP_SIZE * (gid.y + nwg.y * gid.z);
  if (e >= u.total) {
    return;
  }
  let c4 = u.outC / 4u;
  let c = e % c4;
  let ow = (e / c4) % u.outW;
  let oh = (e / (c4 * u.outW)) % u.outH;
  let n = e / (c4 * u.outW * u.outH);
  var acc = vec4f(0.0);
  if (HAS_BIAS) {
    acc = bias[c];
  }
  for (var r = 0u; r < u.kH; r++) {
    let ih = i32(oh * u.strideH + r * u.dilationH) - i32(u.padTop);
    if (ih < 0 || ih >= i32(u.inH)) {
      continue;
    }
    let rowBase = (n * u.inH + u32(ih)) * u.inW;
    for (var s = 0u; s < u.kW; s++) {
      let iw = i32(ow * u.strideW + s * u.dilationW) - i32(u.padLeft);
      if (iw < 0 || iw >= i32(u.inW)) {
        continue;
      }
      acc = fma(x[(rowBase + u32(iw)) * c4 + c], w[(r * u.kW + s) * c4 + c], acc);
    }
  }
  if (ACTIVATION == 1u) {
    acc = max(acc, vec4f(0.0));
  } else if (ACTIVATION == 2u) {
    acc = clamp(acc, vec4f(0.0), vec4f(6.0));
  }
  y[e] = acc;
}
