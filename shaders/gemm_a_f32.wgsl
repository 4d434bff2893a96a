// The GEMM's A operand as f32s (appended to gemm_common.wgsl), for views whose rows are not
// vec4-aligned: MEC's L with unpadded runs of k_w·i_c values (mec.ts, mecFlatRuns), where a quad
// of k starts anywhere. Values at k >= kValid belong to the next row of L or lie past the buffer:
// they are masked to zero, so not even an Inf or NaN there reaches the output.
@group(0) @binding(0) var<storage, read> a: array<f32>;

// Which of k..k+3 are inside the reduction.
fn kInside(k: u32) -> vec4<bool> {
  return vec4u(k) + vec4u(0u, 1u, 2u, 3u) < vec4u(u.kValid);
}

// A's values k..k+3 at f32 offset i, zero past the reduction.
fn loadA(i: u32, k: u32) -> vec4f {
  return select(vec4f(0.0), vec4f(a[i], a[i + 1u], a[i + 2u], a[i + 3u]), kInside(k));
}
