// MEC lowering into the flat L of short runs (mec.ts, mecLayout's windows: runs of k_w·i_c/g
// values padded less than to a multiple of 4, or not at all, so a quad of L may straddle runs,
// rows and strips). L[g][n][w][h] is the run of padded input row h under output column w, as in
// mec_lower.wgsl (paper, Algorithm 1), stored rowPad values apart. One invocation writes RUNS
// adjacent runs of one strip, value by value: their source is located once, then the input index
// steps by one channel at a time, by one (dilated) tap per i_c/g channels and by one input row per
// run, with no branch per value. Stepping a location from one value of the flat L to the next
// instead, across runs, cost more than the loads (measured). The host appends the store of L:
// mec_lower_flat_f32.wgsl (any run) or mec_lower_flat_vec4.wgsl (runs padded to quads).

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
@group(0) @binding(2) var<uniform> u: LowerFlat;

// One invocation's runs: the strip, its rows [hp0, hpEnd), where the first run's source starts
// in the input and how the input index steps.
struct Runs {
  // The invocation (its index e) has runs to write.
  valid: bool,
  e: u32,
  strip: u32,
  hp0: u32,
  hpEnd: u32,
  ih0: i32,
  iw0: i32,
  i0: i32,
  // From one channel to the next, from the last channel of a tap to the next tap, from one row to the next.
  channelStep: i32,
  tapStep: i32,
  rowStep: i32,
}

// The source of the next value of a run: input index, column, tap and channel in the group.
struct Cursor {
  i: i32,
  iw: i32,
  s: u32,
  cg: u32,
  // The run's input row is inside the image (rows past it are the zero rows that align windows).
  rowInside: bool,
}

// An invocation's runs: e, folded from the grid, counts (strip, block of RUNS rows) with strips in (g, n, w) order.
fn runsOf(gid: vec3u, nwg: vec3u) -> Runs {
  var r: Runs;
  let e = gid.x + nwg.x * WORKGROUP_SIZE * (gid.y + nwg.y * gid.z);
  r.valid = e < u.total;
  r.e = e;
  let blocks = (u.rows + RUNS - 1u) / RUNS;
  r.hp0 = (e % blocks) * RUNS;
  r.hpEnd = min(r.hp0 + RUNS, u.rows);
  r.strip = e / blocks;
  let w = r.strip % u.outW;
  let image = r.strip / u.outW;
  let n = image % u.batch;
  let g = image / u.batch;
  r.ih0 = i32(r.hp0) - i32(u.padTop);
  r.iw0 = i32(w * u.strideW) - i32(u.padLeft);
  let c0 = g * u.inCPerGroup;
  var pixelStep = i32(u.inC);
  r.channelStep = 1;
  r.rowStep = i32(u.inW * u.inC);
  r.i0 = ((i32(n * u.inH) + r.ih0) * i32(u.inW) + r.iw0) * i32(u.inC) + i32(c0);
  if (INPUT_NCHW) {
    r.channelStep = i32(u.inH * u.inW);
    pixelStep = 1;
    r.rowStep = i32(u.inW);
    r.i0 = ((i32(n * u.inC + c0)) * i32(u.inH) + r.ih0) * i32(u.inW) + r.iw0;
  }
  r.tapStep = i32(u.dilationW) * pixelStep - i32(u.inCPerGroup) * r.channelStep;
  return r;
}

// The first value of run hp.
fn runStart(r: Runs, hp: u32) -> Cursor {
  let ih = r.ih0 + i32(hp - r.hp0);
  return Cursor(r.i0 + i32(hp - r.hp0) * r.rowStep, r.iw0, 0u, 0u, ih >= 0 && ih < i32(u.inH));
}

// The cursor's value (zero in the padding and past the run's k_w taps), then one value on.
fn nextValue(c: ptr<function, Cursor>, r: Runs) -> f32 {
  let inside = (*c).rowInside && (*c).s < u.kW && (*c).iw >= 0 && (*c).iw < i32(u.inW);
  let v = select(0.0, x[u32(select(0, (*c).i, inside))], inside);
  (*c).cg++;
  (*c).i += r.channelStep;
  let tapDone = (*c).cg == u.inCPerGroup;
  (*c).cg = select((*c).cg, 0u, tapDone);
  (*c).s += select(0u, 1u, tapDone);
  (*c).iw += select(0, i32(u.dilationW), tapDone);
  (*c).i += select(0, r.tapStep, tapDone);
  return v;
}
