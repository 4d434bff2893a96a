// Split-K, second pass (appended to gemm_common.wgsl and a store): C = act(Σ_s partial_s + bias),
// one invocation per four columns of a row. The partials are bound as `a`; B is not bound.

override WORKGROUP_SIZE: u32 = 64u;

@compute @workgroup_size(WORKGROUP_SIZE)
fn main(@builtin(workgroup_id) wid: vec3u, @builtin(num_workgroups) nwg: vec3u, @builtin(local_invocation_index) li: u32) {
  let rowVec4s = u.ldPartial / 4u;
  let perSlice = u.batchCount * u.M * rowVec4s;
  let i = (wid.x + nwg.x * (wid.y + nwg.y * wid.z)) * WORKGROUP_SIZE + li;
  if (i >= perSlice) {
    return;
  }
  let row = (i / rowVec4s) % u.M;
  let n0 = 4u * (i % rowVec4s);
  let p = batchEntry(i / (rowVec4s * u.M));
  var acc = biasOf(p, n0);
  for (var s = 0u; s < u.splitK; s++) {
    acc += a[s * perSlice + i];
  }
  store(row, rowOfC(row), n0, acc, p);
}
