// The GEMM's output as vec4s, where four adjacent columns are adjacent in memory and every
// offset is a multiple of 4 (NHWC, channels per group in fours): one store per four outputs
// instead of four strided ones, which is most of the cost on layers with a short k (measured:
// a 224×224×4 → 64 1×1 layer spent 110 of its 169 ms storing).
@group(0) @binding(3) var<storage, read_write> c: array<vec4f>;

// Four outputs of row `row` (at offset cRow from the partition's C), columns n0..n0+3.
fn store(row: u32, cRow: u32, n0: u32, acc: vec4f, p: Part) {
  if (row >= u.M || n0 >= u.N) {
    return;
  }
  c[(p.c + cRow + n0) / 4u] = activate(acc);
}
