// MEC lowering (paper, Algorithm 1): L[g][n][w] is the vertical strip of the padded input under
// output column w, all i_h rows × k_w (dilated) taps × the group's channels, flattened (h, k_w, c).
// Padding is a bounds check here: no padded copy of the input is ever made. Each (h) run of
// k_w·i_c values is stored rowPad long (zeros after it) so the vec4 GEMM reads aligned rows.
// Runs padded less than to a multiple of 4, or not at all (mec.ts, mecLayout's windows), are
// lowered by mec_lower_flat.wgsl.
// One invocation writes SEGMENT consecutive vec4s of a run, stepping from one tap to the next:
// the u32 divisions that locate a value are paid once per segment, not per vec4 (they were most of
// the lowering on SwiftShader, where each is scalar; measured), and a GPU still gets one
// invocation per SEGMENT vec4s.

override WORKGROUP_SIZE: u32 = 64u;
override INPUT_NCHW: bool = false;
// NHWC with i_c/g a multiple of 4: a quad of a run is four adjacent channels of one pixel.
override CHANNEL_QUADS: bool = false;
override SEGMENT: u32 = 8u;

struct Lower {
  total: u32, batch: u32, inH: u32, inW: u32,
  inC: u32, inCPerGroup: u32, kW: u32, outW: u32,
  paddedH: u32, strideW: u32, dilationW: u32, padTop: u32,
  // rowPad: values from one run to the next.
  padLeft: u32, rowPad: u32, _p0: u32, _p1: u32,
}

@group(0) @binding(1) var<storage, read_write> l: array<vec4f>;
@group(0) @binding(2) var<uniform> u: Lower;

// Value (s, cg) of the run of image n, group g, padded input row hp, output column w: tap s,
// channel cg of the group; zero in the padding and past k_w.
fn tap(n: u32, g: u32, hp: u32, w: u32, s: u32, cg: u32) -> f32 {
  let ih = i32(hp) - i32(u.padTop);
  let iw = i32(w * u.strideW + s * u.dilationW) - i32(u.padLeft);
  return inputOrZero(n, g * u.inCPerGroup + cg, ih, iw, s < u.kW && insideImage(ih, iw));
}

// The tap after (s, cg) in (s, c) order.
fn nextTap(t: vec2u) -> vec2u {
  let cg = t.y + 1u;
  return select(vec2u(t.x, cg), vec2u(t.x + 1u, 0u), cg == u.inCPerGroup);
}

@compute @workgroup_size(WORKGROUP_SIZE)
fn main(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  // e counts segments of L (total of them); L is laid out [g][n][w][h][rowPad / 4] in vec4s.
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
  let hp = t % u.paddedH;
  t /= u.paddedH;
  let w = t % u.outW;
  t /= u.outW;
  let n = t % u.batch;
  let g = t / u.batch;
  let j = q0 * 4u;
  // The first tap by division, every later one by stepping.
  var t0 = vec2u(j / u.inCPerGroup, j % u.inCPerGroup);
  if (CHANNEL_QUADS) {
    let ih = i32(hp) - i32(u.padTop);
    for (var q = q0; q < qEnd; q++) {
      let iw = i32(w * u.strideW + t0.x * u.dilationW) - i32(u.padLeft);
      l[row + q] = inputQuad(n, g * u.inCPerGroup + t0.y, ih, iw, t0.x < u.kW && insideImage(ih, iw));
      // Four channels on: the next quad, in this pixel or the next tap's.
      t0 = nextTap(vec2u(t0.x, t0.y + 3u));
    }
  } else {
    for (var q = q0; q < qEnd; q++) {
      let t1 = nextTap(t0);
      let t2 = nextTap(t1);
      let t3 = nextTap(t2);
      l[row + q] = vec4f(tap(n, g, hp, w, t0.x, t0.y), tap(n, g, hp, w, t1.x, t1.y), tap(n, g, hp, w, t2.x, t2.y), tap(n, g, hp, w, t3.x, t3.y));
      t0 = nextTap(t3);
    }
  }
}
