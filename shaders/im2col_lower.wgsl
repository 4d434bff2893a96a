// im2col lowering (the baseline MEC is measured against): one row per output pixel, holding the
// k_h × k_w (dilated) window × the group's channels. Rows overlap k_h/s_h times vertically: that
// duplication is what MEC avoids. Padding by bounds checks. Rows are rowPad long (zeros after the
// k_h·k_w·i_c/g values) so the vec4 GEMM reads aligned rows. Like mec_lower.wgsl, one invocation
// writes one vec4, so the two lowerings are compared on equal terms.

override WORKGROUP_SIZE: u32 = 64u;
override INPUT_NCHW: bool = false;
// NHWC with i_c/g a multiple of 4: a quad of a row is four adjacent channels of one pixel.
override CHANNEL_QUADS: bool = false;

struct Lower {
  total: u32, batch: u32, inH: u32, inW: u32,
  inC: u32, inCPerGroup: u32, kH: u32, kW: u32,
  outH: u32, outW: u32, strideH: u32, strideW: u32,
  dilationH: u32, dilationW: u32, padTop: u32, padLeft: u32,
  rowPad: u32, _p0: u32, _p1: u32, _p2: u32,
}

@group(0) @binding(0) var<storage, read> x: array<f32>;
@group(0) @binding(1) var<storage, read_write> cols: array<vec4f>;
@group(0) @binding(2) var<uniform> u: Lower;

// Where value j of the row of output pixel (oh, ow) comes from: kernel tap (r, s), channel cg.
struct Tap {
  inside: bool,
  ih: u32,
  iw: u32,
  cg: u32,
}

fn tapOf(oh: u32, ow: u32, j: u32) -> Tap {
  var t: Tap;
  t.cg = j % u.inCPerGroup;
  let s = (j / u.inCPerGroup) % u.kW;
  let r = j / (u.inCPerGroup * u.kW);
  let ih = i32(oh * u.strideH + r * u.dilationH) - i32(u.padTop);
  let iw = i32(ow * u.strideW + s * u.dilationW) - i32(u.padLeft);
  t.inside = r < u.kH && ih >= 0 && ih < i32(u.inH) && iw >= 0 && iw < i32(u.inW);
  t.ih = u32(max(ih, 0));
  t.iw = u32(max(iw, 0));
  return t;
}

fn tap(n: u32, g: u32, oh: u32, ow: u32, j: u32) -> f32 {
  let t = tapOf(oh, ow, j);
  if (!t.inside) {
    return 0.0;
  }
  let c = g * u.inCPerGroup + t.cg;
  if (INPUT_NCHW) {
    return x[((n * u.inC + c) * u.inH + t.ih) * u.inW + t.iw];
  }
  return x[((n * u.inH + t.ih) * u.inW + t.iw) * u.inC + c];
}

@compute @workgroup_size(WORKGROUP_SIZE)
fn main(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  // e counts vec4s of the matrix (total of them), laid out [g][n][oh][ow][rowPad / 4].
  let e = gid.x + nwg.x * WORKGROUP_SIZE * (gid.y + nwg.y * gid.z);
  if (e >= u.total) {
    return;
  }
  let quads = u.rowPad / 4u;
  let j = (e % quads) * 4u;
  var t = e / quads;
  let ow = t % u.outW;
  t /= u.outW;
  let oh = t % u.outH;
  t /= u.outH;
  let n = t % u.batch;
  let g = t / u.batch;
  var v = vec4f(0.0);
  if (CHANNEL_QUADS) {
    let p = tapOf(oh, ow, j);
    if (p.inside) {
      let i = ((n * u.inH + p.ih) * u.inW + p.iw) * u.inC + g * u.inCPerGroup + p.cg;
      v = vec4f(x[i], x[i + 1u], x[i + 2u], x[i + 3u]);
    }
  } else {
    v = vec4f(tap(n, g, oh, ow, j), tap(n, g, oh, ow, j + 1u), tap(n, g, oh, ow, j + 2u), tap(n, g, oh, ow, j + 3u));
  }
  cols[e] = v;
}
