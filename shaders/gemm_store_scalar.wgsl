// The GEMM's output as f32s: any strides (NCHW output, groups not in fours, padded columns).
@group(0) @binding(3) var<storage, read_write> c: array<f32>;

// Four outputs of row `row` (at offset cRow from the partition's C), columns n0..n0+3; rows and
// columns past the edge are skipped.
fn store(row: u32, cRow: u32, n0: u32, acc: vec4f, p: Part) {
  if (row >= u.M) {
    return;
  }
  let base = p.c + cRow;
  let v = activate(acc);
  for (var j = 0u; j < 4u; j++) {
    let n = n0 + j;
    if (n < u.N) {
      c[base + n * u.cStrideN] = v[j];
    }
  }
}
