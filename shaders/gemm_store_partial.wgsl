// Split-K, first pass: a tiled kernel's store writes raw sums of its k slice (the host turns the
// epilogue off) into slice `split` of the partials, dense rows of ldPartial columns per batch
// entry; gemm_splitk_reduce.wgsl adds the slices up and applies the epilogue.
@group(0) @binding(3) var<storage, read_write> c: array<vec4f>;

fn store(row: u32, cRow: u32, n0: u32, acc: vec4f, p: Part) {
  if (row >= u.M || n0 >= u.N) {
    return;
  }
  c[((p.split * u.batchCount + p.z) * u.M + row) * (u.ldPartial / 4u) + n0 / 4u] = acc;
}
