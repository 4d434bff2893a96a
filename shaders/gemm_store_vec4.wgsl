// The GEMM's output as vec4s, where four adjacent columns are adjacent in memory and every
// offset is a multiple of 4 (NHWC, channels per group in fours): one store per four outputs
// instead of four strided ones, which is most of the cost on layers with a short k (measured:
// a 224×224×4 → 64 1×1 layer spent 110 of its 169 ms storing).
@group(0) @binding(3) var<storage, read_write> c: array<vec4f>;

fn store(row: u32, n0: u32, acc: vec4f, p: Part) {
  if (row >= u.M || n0 >= u.N) {
    return;
  }
  let base = p.c + (row / u.cMInner) * u.cSMOuter + (row % u.cMInner) * u.cStrideM + n0;
  let b = p.bias + n0;
  c[base / 4u] = vec4f(epilogue(acc.x, b), epilogue(acc.y, b + 1u), epilogue(acc.z, b + 2u), epilogue(acc.w, b + 3u));
}
