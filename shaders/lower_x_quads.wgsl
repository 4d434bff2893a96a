// The lowerings' input as vec4s, for NHWC with i_c/g a multiple of 4 (CHANNEL_QUADS): a quad of
// channels is one aligned load, not four (on SwiftShader each load from a computed index is a
// gather, and the loads were most of the lowering; measured).
@group(0) @binding(0) var<storage, read> x: array<vec4f>;

// Input value (n, c, ih, iw), or zero where `inside` is false (the paths that read single values;
// NHWC only, as the host binds this file only there).
fn inputOrZero(n: u32, c: u32, ih: i32, iw: i32, inside: bool) -> f32 {
  let i = select(0u, ((n * u.inH + u32(ih)) * u.inW + u32(iw)) * u.inC + c, inside);
  return select(0.0, x[i / 4u][i % 4u], inside);
}

// Channels c..c+3 of NHWC pixel (n, ih, iw), c a multiple of 4, or zeros where `inside` is false.
fn inputQuad(n: u32, c: u32, ih: i32, iw: i32, inside: bool) -> vec4f {
  let i = select(0u, ((n * u.inH + u32(ih)) * u.inW + u32(iw)) * u.inC + c, inside);
  return select(vec4f(0.0), x[i / 4u], inside);
}
