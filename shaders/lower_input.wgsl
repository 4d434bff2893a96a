// Shared by the lowerings (mec_lower.wgsl, im2col_lower.wgsl; the host prepends it and one of
// lower_x_f32.wgsl, lower_x_quads.wgsl to each): how they read the input. Each lowering declares
// the uniforms u (inH, inW, inC) and INPUT_NCHW. Padding is a bounds check, never a padded copy of
// the input.

fn insideImage(ih: i32, iw: i32) -> bool {
  return ih >= 0 && ih < i32(u.inH) && iw >= 0 && iw < i32(u.inW);
}
