// The flat lowering's store as f32s (appended to mec_lower_flat.wgsl): runs of any length.
@group(0) @binding(1) var<storage, read_write> l: array<f32>;

@compute @workgroup_size(WORKGROUP_SIZE)
fn main(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let r = runsOf(gid, nwg);
  if (!r.valid) {
    return;
  }
  for (var hp = r.hp0; hp < r.hpEnd; hp++) {
    var c = runStart(r, hp);
    let out = (r.strip * u.rows + hp) * u.rowPad;
    for (var j = 0u; j < u.rowPad; j++) {
      l[out + j] = nextValue(&c, r);
    }
  }
  // The last invocation also zeroes L's tail up to a whole vec4 (the GEMM masks it, but never reads garbage).
  if (r.e == u.total - 1u) {
    for (var j = u.elements; j < (u.elements + 3u) / 4u * 4u; j++) {
      l[j] = 0.0;
    }
  }
}
