// MEC Solution A's last pass: its GEMMs write the output in o_h × i_n × o_w × k_c order
// (MEC.md, Solution A); this moves it to the caller's NHWC or NCHW layout.

override WORKGROUP_SIZE: u32 = 64u;
override OUTPUT_NCHW: bool = false;

struct Transpose {
  total: u32, batch: u32, outH: u32, outW: u32,
  outC: u32, _p0: u32, _p1: u32, _p2: u32,
}

@group(0) @binding(0) var<storage, read> src: array<f32>;
@group(0) @binding(1) var<storage, read_write> dst: array<f32>;
@group(0) @binding(2) var<uniform> u: Transpose;

@compute @workgroup_size(WORKGROUP_SIZE)
fn main(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let e = gid.x + nwg.x * WORKGROUP_SIZE * (gid.y + nwg.y * gid.z);
  if (e >= u.total) {
    return;
  }
  var c: u32;
  var w: u32;
  var h: u32;
  var n: u32;
  if (OUTPUT_NCHW) {
    w = e % u.outW;
    h = (e / u.outW) % u.outH;
    c = (e / (u.outW * u.outH)) % u.outC;
    n = e / (u.outW * u.outH * u.outC);
  } else {
    c = e % u.outC;
    w = (e / u.outC) % u.outW;
    h = (e / (u.outC * u.outW)) % u.outH;
    n = e / (u.outC * u.outW * u.outH);
  }
  dst[e] = src[((h * u.batch + n) * u.outW + w) * u.outC + c];
}
