// Packs weights (HWIO or OIHW) into the B operand of the GEMMs: per group a rows × outCPad
// matrix, K' of MEC.md with its k order (h, k_w, c) matching the rows of L: segments of
// segmentLength rows, segmentPad apart, then zero rows up to `rows` (a multiple of 4), and the
// columns padded with zeros to a multiple of 4, so the vec4 GEMM reads aligned rows. MEC: one
// segment per kernel row (k_w·i_c long) or one of k_h·k_w·i_c (flat runs); im2col: one segment.

override WORKGROUP_SIZE: u32 = 64u;
override SOURCE_OIHW: bool = false;

struct Pack {
  total: u32, kH: u32, kW: u32, inCPerGroup: u32,
  outC: u32, outCPerGroup: u32, outCPad: u32, segments: u32,
  segmentLength: u32, segmentPad: u32, rows: u32, _p1: u32,
}

@group(0) @binding(0) var<storage, read> src: array<f32>;
@group(0) @binding(1) var<storage, read_write> dst: array<f32>;
@group(0) @binding(2) var<uniform> u: Pack;

@compute @workgroup_size(WORKGROUP_SIZE)
fn main(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let e = gid.x + nwg.x * WORKGROUP_SIZE * (gid.y + nwg.y * gid.z);
  if (e >= u.total) {
    return;
  }
  // dst layout [g][row < rows][n < outCPad], row = segment · segmentPad + t.
  let n = e % u.outCPad;
  let row = (e / u.outCPad) % u.rows;
  let g = e / (u.outCPad * u.rows);
  let t = row % u.segmentPad;
  let segment = row / u.segmentPad;
  var v = 0.0;
  if (segment < u.segments && t < u.segmentLength && n < u.outCPerGroup) {
    let k = segment * u.segmentLength + t; // (r, s, c) flattened
    let c = k % u.inCPerGroup;
    let s = (k / u.inCPerGroup) % u.kW;
    let r = k / (u.inCPerGroup * u.kW);
    let o = g * u.outCPerGroup + n;
    if (SOURCE_OIHW) {
      v = src[((o * u.inCPerGroup + c) * u.kH + r) * u.kW + s];
    } else {
      v = src[((r * u.kW + s) * u.inCPerGroup + c) * u.outC + o];
    }
  }
  dst[e] = v;
}
