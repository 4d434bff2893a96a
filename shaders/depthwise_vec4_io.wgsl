// Shared by the vec4 depthwise kernels (depthwise_vec4.wgsl, depthwise_block.wgsl), appended by
// the host to depthwise_common.wgsl: NHWC tensors read and written four channels at a time.

@group(0) @binding(0) var<storage, read> x: array<vec4f>;
@group(0) @binding(1) var<storage, read> w: array<vec4f>;
@group(0) @binding(2) var<storage, read> bias: array<vec4f>;
@group(0) @binding(3) var<storage, read_write> y: array<vec4f>;
@group(0) @binding(4) var<uniform> u: Depthwise;

fn activate(v: vec4f) -> vec4f {
  if (ACTIVATION == 1u) {
    return max(v, vec4f(0.0));
  } else if (ACTIVATION == 2u) {
    return clamp(v, vec4f(0.0), vec4f(6.0));
  }
  return v;
}
