// The GEMM's A operand as f32s (appended to gemm_common.wgsl), for views whose rows are not
// vec4-aligned: MEC's L with unpadded runs of k_w·i_c values (mec.ts, mecLayout), where a quad of
// k starts anywhere. The kernels mask the quad past kValid (kInside).
@group(0) @binding(0) var<storage, read> a: array<f32>;

// A's values k..k+3 at f32 offset i.
fn loadA(i: u32) -> vec4f {
  return vec4f(a[i], a[i + 1u], a[i + 2u], a[i + 3u]);
}
