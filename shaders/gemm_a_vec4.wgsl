// The GEMM's A operand as vec4s (appended to gemm_common.wgsl): every row and offset of A is a
// multiple of 4, so a quad of k is one aligned load.
@group(0) @binding(0) var<storage, read> a: array<vec4f>;

// A's values k..k+3 at f32 offset i (a multiple of 4).
fn loadA(i: u32) -> vec4f {
  return a[i / 4u];
}
