// Shared by the depthwise kernels (depthwise.wgsl, depthwise_vec4.wgsl, depthwise_block.wgsl; the
// host prepends it to each): their specialisation and uniforms. Bias and activation are overrides: the kernels are small.

override WORKGROUP_SIZE: u32 = 64u;
override ACTIVATION: u32 = 0u;
override HAS_BIAS: bool = false;

struct Depthwise {
  total: u32, batch: u32, inH: u32, inW: u32,
  inC: u32, multiplier: u32, kH: u32, kW: u32,
  outH: u32, outW: u32, outC: u32, strideH: u32,
  strideW: u32, dilationH: u32, dilationW: u32, padTop: u32,
  padLeft: u32, _p0: u32, _p1: u32, _p2: u32,
}
