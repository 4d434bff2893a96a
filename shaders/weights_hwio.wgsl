// OIHW weights (ONNX/PyTorch) to HWIO, the (k_h·k_w·i_c) × k_c matrix K' the GEMMs read
// (MEC.md, "The GEMMs"): its k order (h, k_w, c) must match the rows of L.

override WORKGROUP_SIZE: u32 = 64u;

struct Reorder {
  total: u32, kH: u32, kW: u32, inCPerGroup: u32,
  outC: u32, _p0: u32, _p1: u32, _p2: u32,
}

@group(0) @binding(0) var<storage, read> src: array<f32>;
@group(0) @binding(1) var<storage, read_write> dst: array<f32>;
@group(0) @binding(2) var<uniform> u: Reorder;

@compute @workgroup_size(WORKGROUP_SIZE)
fn main(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let e = gid.x + nwg.x * WORKGROUP_SIZE * (gid.y + nwg.y * gid.z);
  if (e >= u.total) {
    return;
  }
  let o = e % u.outC;
  var t = e / u.outC;
  let ci = t % u.inCPerGroup;
  t /= u.inCPerGroup;
  let s = t % u.kW;
  let r = t / u.kW;
  dst[e] = src[((o * u.inCPerGroup + ci) * u.kH + r) * u.kW + s];
}
