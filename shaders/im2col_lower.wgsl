// im2col lowering (the baseline MEC is measured against): one row per output pixel, holding the
// k_h × k_w (dilated) window × the group's channels. Rows overlap k_h/s_h times vertically: that
// duplication is what MEC avoids. Padding by bounds checks. Rows are rowPad long (zeros after the
// k_h·k_w·i_c/g values) so the vec4 GEMM reads aligned rows. Like mec_lower.wgsl, one invocation
// writes SEGMENT consecutive vec4s of a row, stepping from tap to tap, so the two lowerings are
// compared on equal terms.

override WORKGROUP_SIZE: u32 = 64u;
override INPUT_NCHW: bool = false;
// NHWC with i_c/g a multiple of 4: a quad of a row is four adjacent channels of one pixel.
override CHANNEL_QUADS: bool = false;
override SEGMENT: u32 = 8u;

struct Lower {
  total: u32, batch: u32, inH: u32, inW: u32,
  inC: u32, inCPerGroup: u32, kH: u32, kW: u32,
  outH: u32, outW: u32, strideH: u32, strideW: u32,
  dilationH: u32, dilationW: u32, padTop: u32, padLeft: u32,
  rowPad: u32, _p0: u32, _p1: u32, _p2: u32,
}

@group(0) @binding(1) var<storage, read_write> cols: array<vec4f>;
@group(0) @binding(2) var<uniform> u: Lower;

// Value (r, s, cg) of the row of output pixel (oh, ow): kernel tap (r, s), channel cg of group g;
// zero in the padding and past k_h.
fn tap(n: u32, g: u32, oh: u32, ow: u32, r: u32, s: u32, cg: u32) -> f32 {
  let ih = i32(oh * u.strideH + r * u.dilationH) - i32(u.padTop);
  let iw = i32(ow * u.strideW + s * u.dilationW) - i32(u.padLeft);
  return inputOrZero(n, g * u.inCPerGroup + cg, ih, iw, r < u.kH && insideImage(ih, iw));
}

// The tap after (r, s, cg) in (r, s, c) order.
fn nextTap(t: vec3u) -> vec3u {
  var cg = t.z + 1u;
  var s = t.y + select(0u, 1u, cg == u.inCPerGroup);
  cg = select(cg, 0u, cg == u.inCPerGroup);
  let r = t.x + select(0u, 1u, s == u.kW);
  s = select(s, 0u, s == u.kW);
  return vec3u(r, s, cg);
}

@compute @workgroup_size(WORKGROUP_SIZE)
fn main(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  // e counts segments of the matrix (total of them), laid out [g][n][oh][ow][rowPad / 4] in vec4s.
  let e = gid.x + nwg.x * WORKGROUP_SIZE * (gid.y + nwg.y * gid.z);
  if (e >= u.total) {
    return;
  }
  let quads = u.rowPad / 4u;
  let segments = (quads + SEGMENT - 1u) / SEGMENT;
  let q0 = (e % segments) * SEGMENT;
  let qEnd = min(q0 + SEGMENT, quads);
  var t = e / segments;
  let row = t * quads;
  let ow = t % u.outW;
  t /= u.outW;
  let oh = t % u.outH;
  t /= u.outH;
  let n = t % u.batch;
  let g = t / u.batch;
  // The first tap by division, every later one by stepping.
  let j = q0 * 4u;
  var t0 = vec3u(j / (u.inCPerGroup * u.kW), (j / u.inCPerGroup) % u.kW, j % u.inCPerGroup);
  for (var q = q0; q < qEnd; q++) {
    if (CHANNEL_QUADS) {
      let ih = i32(oh * u.strideH + t0.x * u.dilationH) - i32(u.padTop);
      let iw = i32(ow * u.strideW + t0.y * u.dilationW) - i32(u.padLeft);
      cols[row + q] = inputQuad(n, g * u.inCPerGroup + t0.z, ih, iw, t0.x < u.kH && insideImage(ih, iw));
      // Four channels on: the next quad, in this pixel or the next tap's.
      t0 = nextTap(vec3u(t0.x, t0.y, t0.z + 3u));
    } else {
      let t1 = nextTap(t0);
      let t2 = nextTap(t1);
      let t3 = nextTap(t2);
      cols[row + q] = vec4f(tap(n, g, oh, ow, t0.x, t0.y, t0.z), tap(n, g, oh, ow, t1.x, t1.y, t1.z), tap(n, g, oh, ow, t2.x, t2.y, t2.z), tap(n, g, oh, ow, t3.x, t3.y, t3.z));
      t0 = nextTap(t3);
    }
  }
}
