import depthwiseCommonWgsl from '../../shaders/depthwise_common.wgsl?raw';
import depthwiseWgsl from '../../shaders/depthwise.wgsl?raw';
import depthwiseBlockWgsl from '../../shaders/depthwise_block.wgsl?raw';
import depthwiseVec4Wgsl from '../../shaders/depthwise_vec4.wgsl?raw';
import depthwiseVec4IoWgsl from '../../shaders/depthwise_vec4_io.wgsl?raw';
import directWgsl from '../../shaders/direct.wgsl?raw';
import { type ConvParams, outputElements } from '../params';
import { fillTemplate } from './template';
import { activationCode, type AlgorithmPlan, elementwiseWorkgroups, kElementwiseWorkgroup } from './types';

/** Direct convolution: zero workspace, one output per invocation (any groups, both layouts). */
export const direct: AlgorithmPlan = {
  algorithm: 'direct',
  workspace: () => [],
  passes(p, io) {
    const total = outputElements(p);
    return [
      {
        name: 'Direct.conv',
        code: directWgsl,
        constants: {
          WORKGROUP_SIZE: kElementwiseWorkgroup,
          INPUT_NCHW: p.layout === 'NCHW' ? 1 : 0,
          ACTIVATION: activationCode(p),
          HAS_BIAS: p.hasBias ? 1 : 0,
        },
        bindings: [io.x, io.w, io.bias, io.y],
        struct: 'Conv',
        uniforms: {
          total, batch: p.batch, inH: p.inH, inW: p.inW, inC: p.inC, inCPerGroup: p.inCPerGroup, kH: p.kH, kW: p.kW,
          outH: p.outH, outW: p.outW, outC: p.outC, outCPerGroup: p.outCPerGroup, strideH: p.strideH, strideW: p.strideW,
          dilationH: p.dilationH, dilationW: p.dilationW, padTop: p.padTop, padLeft: p.padLeft,
        },
        workgroups: elementwiseWorkgroups(total),
      },
    ];
  },
};

/** Output columns per invocation of depthwise_vec4.wgsl (its OUT_COLS). */
const kDepthwiseCols = 8;

/** Built once: a new string per call would be hashed and collected on every call. */
const kDepthwiseSource = `${depthwiseCommonWgsl}\n${depthwiseWgsl}`;
const kDepthwiseVec4Source = `${depthwiseCommonWgsl}\n${depthwiseVec4IoWgsl}\n${depthwiseVec4Wgsl}`;

/** NHWC, multiplier 1, channels in fours: the vec4 kernels apply. */
const depthwiseVec4 = (p: ConvParams) => p.layout === 'NHWC' && p.outCPerGroup === 1 && p.inC % 4 === 0;

/** One specialisation of depthwise_block.wgsl: a rows × cols block of outputs for one kernel shape and stride. */
export interface DepthwiseBlock {
  rows: number;
  cols: number;
  kH: number;
  kW: number;
  strideH: number;
  strideW: number;
}

/** Taps beyond this take the vec4 kernel: the block kernel's statements grow with rows·cols·taps, and so does its compile time. */
const kMaxBlockTaps = 25;

/**
 * The block kernel's shape for a layer, or undefined where it does not apply (dilation, NCHW, a
 * multiplier, channels not in fours, large kernels). 4 × 8 measured best or within noise of 2 × 8,
 * 8 × 4, 8 × 8 and 2 × 16 on MobileNet's 112 × 112 × 32 layers, stride 1 and 2 (SwiftShader).
 */
export function depthwiseBlockOf(p: ConvParams): DepthwiseBlock | undefined {
  if (!depthwiseVec4(p) || p.dilationH !== 1 || p.dilationW !== 1 || p.kH * p.kW > kMaxBlockTaps) return undefined;
  return { rows: 4, cols: 8, kH: p.kH, kW: p.kW, strideH: p.strideH, strideW: p.strideW };
}

const depthwiseBlockName = (b: DepthwiseBlock) => `Depthwise.block${b.rows}x${b.cols}.k${b.kH}x${b.kW}.s${b.strideH}x${b.strideW}`;

const blockSources = new Map<string, string>();
const range = (n: number) => [...Array(n).keys()];

/** depthwise_block.wgsl with its block written out: every input pixel of the window loaded once, then the taps that read it. */
export function depthwiseBlockSource(b: DepthwiseBlock): string {
  const key = depthwiseBlockName(b);
  const cached = blockSources.get(key);
  if (cached) return cached;
  const inRows = (b.rows - 1) * b.strideH + b.kH;
  const inCols = (b.cols - 1) * b.strideW + b.kW;
  // Input column q is read by output column j through tap s = q − j·s_w (a stride above k_w skips some).
  const tapsOfCol = (q: number) => range(b.cols).map((j) => [j, q - j * b.strideW]).filter(([, s]) => s >= 0 && s < b.kW);
  const cols = range(inCols).filter((q) => tapsOfCol(q).length > 0);
  const declarations = [
    ...range(b.kH).flatMap((r) => range(b.kW).map((s) => `let w${r}_${s} = w[${r * b.kW + s}u * c4 + c];`)),
    ...cols.flatMap((q) => [`let col${q} = u32(clamp(iw0 + ${q}, 0, lastCol)) * c4 + c;`, `let colOk${q} = iw0 + ${q} >= 0 && iw0 + ${q} <= lastCol;`]),
    ...range(b.rows).flatMap((i) => range(b.cols).map((j) => `var acc${i}_${j} = start;`)),
  ];
  const body: string[] = [];
  for (const t of range(inRows)) {
    // Output row i reads input row t through kernel row r = t − i·s_h.
    const rowTaps = range(b.rows).map((i) => [i, t - i * b.strideH]).filter(([, r]) => r >= 0 && r < b.kH);
    if (rowTaps.length === 0) continue;
    body.push(
      '{',
      `  let ih = ih0 + ${t};`,
      '  let rowOk = ih >= 0 && ih <= lastRow;',
      '  let row = (image + u32(clamp(ih, 0, lastRow))) * rowStride;',
      ...cols.map((q) => `  let x${q} = select(vec4f(0.0), x[row + col${q}], rowOk && colOk${q});`),
      ...rowTaps.flatMap(([i, r]) => cols.flatMap((q) => tapsOfCol(q).map(([j, s]) => `  acc${i}_${j} = fma(x${q}, w${r}_${s}, acc${i}_${j});`))),
      '}',
    );
  }
  const stores = range(b.rows).flatMap((i) => range(b.cols).map((j) => `if (oh0 + ${i}u < u.outH && ow0 + ${j}u < u.outW) { y[(outRow + ${i}u * u.outW + ${j}u) * c4 + c] = activate(acc${i}_${j}); }`));
  const file = 'depthwise_block.wgsl';
  let code = fillTemplate(`${depthwiseCommonWgsl}\n${depthwiseVec4IoWgsl}\n${depthwiseBlockWgsl}`, 'constants', [`const ROWS = ${b.rows}u;`, `const COLS = ${b.cols}u;`], file);
  code = fillTemplate(code, 'declarations', declarations, file);
  code = fillTemplate(code, 'body', body, file);
  code = fillTemplate(code, 'stores', stores, file);
  blockSources.set(key, code);
  return code;
}

/**
 * Depthwise (groups = i_c, any channel multiplier): zero workspace. Three kernels, the most
 * specialised that applies: a register block (depthwise_block.wgsl), rows of 8 vec4 outputs
 * (depthwise_vec4.wgsl), one output per invocation (depthwise.wgsl). The GEMM kernel's family
 * chooses between the first two as it does for GEMMs: 'block' (the default) the register block,
 * fewest loads, for CPU-like adapters; 'tiled' the rows of 8, four times the invocations, for
 * GPUs that need them to fill. The autotuner times both.
 */
export const depthwise: AlgorithmPlan = {
  algorithm: 'depthwise',
  workspace: () => [],
  passes(p, io, gemmKernel) {
    const block = gemmKernel.family === 'block' ? depthwiseBlockOf(p) : undefined;
    const vec4 = depthwiseVec4(p);
    // Invocations: one per 4 channels × output block (block), × 8 adjacent output columns (vec4), or per output.
    const total = block
      ? p.batch * Math.ceil(p.outH / block.rows) * Math.ceil(p.outW / block.cols) * (p.outC / 4)
      : vec4 ? p.batch * p.outH * Math.ceil(p.outW / kDepthwiseCols) * (p.outC / 4) : outputElements(p);
    const kernel: { name: string; code: string; constants: Record<string, number> } = block
      ? { name: depthwiseBlockName(block), code: depthwiseBlockSource(block), constants: {} }
      : vec4
        ? { name: 'Depthwise.convVec4', code: kDepthwiseVec4Source, constants: { SLIDE: p.strideW === 1 && p.dilationW === 1 ? 1 : 0 } }
        : { name: 'Depthwise.conv', code: kDepthwiseSource, constants: { INPUT_NCHW: p.layout === 'NCHW' ? 1 : 0 } };
    return [
      {
        name: kernel.name,
        code: kernel.code,
        constants: {
          WORKGROUP_SIZE: kElementwiseWorkgroup,
          ...kernel.constants,
          ACTIVATION: activationCode(p),
          HAS_BIAS: p.hasBias ? 1 : 0,
        },
        bindings: [io.x, io.w, io.bias, io.y],
        struct: 'Depthwise',
        uniforms: {
          total, batch: p.batch, inH: p.inH, inW: p.inW, inC: p.inC, multiplier: p.outCPerGroup, kH: p.kH, kW: p.kW,
          outH: p.outH, outW: p.outW, outC: p.outC, strideH: p.strideH, strideW: p.strideW,
          dilationH: p.dilationH, dilationW: p.dilationW, padTop: p.padTop, padLeft: p.padLeft,
        },
        workgroups: elementwiseWorkgroups(total),
      },
    ];
  },
};
