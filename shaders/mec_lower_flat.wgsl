// MEC lowering into the flat L of short runs (mec.ts, mecLayout's windows: runs of k_w·i_c/g
// values padded less than to a multiple of 4, or not at all, so a quad of L may straddle runs,
// rows and strips). L[g][n][w][h] is the run of padded input row h under output column w, as in
// mec_lower.wgsl (paper, Algorithm 1), stored rowPad values apart. One invocation writes RUNS
// adjacent runs of one strip, value by value: their source is located once, then the input index
// steps by one channel at a time, by one (dilated) tap per i_c/g channels and by one input row per
// run, with no branch per value. Stepping a location from one value of the flat L to the next
// instead, across runs, cost more than the loads (measured).

override WORKGROUP_SIZE: u32 = 64u;
override INPUT_NCHW: bool = false;
override RUNS: u32 = 4u;

struct LowerFlat {
  // total: invocations, RUNS runs (or the rest of a strip) each.
  total: u32, batch: u32, inH: u32, inW: u32,
  inC: u32, inCPerGroup: u32, kW: u32, outW: u32,
  rows: u32, strideW: u32, dilationW: u32, padTop: u32,
  // rowPad: values from one run to the next; elements: L's values before rounding up to vec4s.
  padLeft: u32, rowPad: u32, elements: u32, _p0: u32,
}

@group(0) @binding(0) var<storage, read> x: array<f32>;
@group(0) @binding(1) var<storage, read_write> l: array<f32>;
@group(0) @binding(2) var<uniform> u: LowerFlat;

@compute @workgroup_size(WORKGROUP_SIZE)
fn main(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  // e counts (strip, block of RUNS rows): strips in (g, n, w) order.
  let e = gid.x + nwg.x * WORKGROUP_SIZE * (gid.y + nwg.y * gid.z);
  if (e >= u.total) {
    return;
  }
  let blocks = (u.rows + RUNS - 1u) / RUNS;
  let hp0 = (e % blocks) * RUNS;
  let strip = e / blocks;
  let w = strip % u.outW;
  let image = strip / u.outW;
  let n = image % u.batch;
  let g = image / u.batch;
  let ih0 = i32(hp0) - i32(u.padTop);
  let iw0 = i32(w * u.strideW) - i32(u.padLeft);
  let c0 = g * u.inCPerGroup;
  // Steps of the input index from one channel to the next, from one pixel to the next and from one row to the next.
  var channelStep = 1;
  var pixelStep = i32(u.inC);
  var rowStep = i32(u.inW * u.inC);
  var i0 = ((i32(n * u.inH) + ih0) * i32(u.inW) + iw0) * i32(u.inC) + i32(c0);
  if (INPUT_NCHW) {
    channelStep = i32(u.inH * u.inW);
    pixelStep = 1;
    rowStep = i32(u.inW);
    i0 = ((i32(n * u.inC + c0)) * i32(u.inH) + ih0) * i32(u.inW) + iw0;
  }
  let tapStep = i32(u.dilationW) * pixelStep - i32(u.inCPerGroup) * channelStep;
  let hpEnd = min(hp0 + RUNS, u.rows);
  for (var hp = hp0; hp < hpEnd; hp++) {
    let ih = ih0 + i32(hp - hp0);
    // Rows past the padded input (zero rows that align the windows) are outside the image too.
    let rowInside = ih >= 0 && ih < i32(u.inH);
    var i = i0 + i32(hp - hp0) * rowStep;
    var iw = iw0;
    var s = 0u;
    var cg = 0u;
    let out = (strip * u.rows + hp) * u.rowPad;
    for (var r = 0u; r < u.rowPad; r++) {
      let inside = rowInside && s < u.kW && iw >= 0 && iw < i32(u.inW);
      l[out + r] = select(0.0, x[u32(select(0, i, inside))], inside);
      cg++;
      i += channelStep;
      let tapDone = cg == u.inCPerGroup;
      cg = select(cg, 0u, tapDone);
      s += select(0u, 1u, tapDone);
      iw += select(0, i32(u.dilationW), tapDone);
      i += select(0, tapStep, tapDone);
    }
  }
  // The last invocation also zeroes L's tail up to a whole vec4 (the GEMM masks it, but never reads garbage).
  if (e == u.total - 1u) {
    for (var j = u.elements; j < (u.elements + 3u) / 4u * 4u; j++) {
      l[j] = 0.0;
    }
  }
}
