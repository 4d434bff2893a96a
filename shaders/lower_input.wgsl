// Shared by the lowerings (mec_lower.wgsl, im2col_lower.wgsl; the host prepends it to each): how
// they read the input. Each declares the binding x, the uniforms u (inH, inW, inC) and INPUT_NCHW.
// Padding is a bounds check, never a padded copy of the input.

fn insideImage(ih: i32, iw: i32) -> bool {
  return ih >= 0 && ih < i32(u.inH) && iw >= 0 && iw < i32(u.inW);
}

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
