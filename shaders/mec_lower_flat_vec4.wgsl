// The flat lowering's store as vec4s (appended to mec_lower_flat.wgsl): runs padded to quads
// (rowPad a multiple of 4), so L needs no tail and every quad is one store, not four.
@group(0) @binding(1) var<storage, read_write> l: array<vec4f>;

@compute @workgroup_size(WORKGROUP_SIZE)
fn main(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let r = runsOf(gid, nwg);
  if (!r.valid) {
    return;
  }
  let quads = u.rowPad / 4u;
  for (var hp = r.hp0; hp < r.hpEnd; hp++) {
    var c = runStart(r, hp);
    let out = (r.strip * u.rows + hp) * quads;
    for (var j = 0u; j < quads; j++) {
      let v0 = nextValue(&c, r);
      let v1 = nextValue(&c, r);
      let v2 = nextValue(&c, r);
      let v3 = nextValue(&c, r);
      l[out + j] = vec4f(v0, v1, v2, v3);
    }
  }
}
