// The lowerings' input as f32s (any layout, any channel count): a quad of channels is four loads.
@group(0) @binding(0) var<storage, read> x: array<f32>;

// Input value (n, c, ih, iw), or zero where `inside` is false. The load is select()ed, not
// branched: SwiftShader runs branches under masks.
fn inputOrZero(n: u32, c: u32, ih: i32, iw: i32, inside: bool) -> f32 {
  var i = ((n * u.inH + u32(ih)) * u.inW + u32(iw)) * u.inC + c;
  if (INPUT_NCHW) {
    i = ((n * u.inC + c) * u.inH + u32(ih)) * u.inW + u32(iw);
  }
  return select(0.0, x[select(0u, i, inside)], inside);
}

// Channels c..c+3 of NHWC pixel (n, ih, iw), or zeros where `inside` is false.
fn inputQuad(n: u32, c: u32, ih: i32, iw: i32, inside: bool) -> vec4f {
  if (!inside) {
    return vec4f(0.0);
  }
  let i = ((n * u.inH + u32(ih)) * u.inW + u32(iw)) * u.inC + c;
  return vec4f(x[i], x[i + 1u], x[i + 2u], x[i + 3u]);
}
