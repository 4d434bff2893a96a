import depthwiseCommonWgsl from '../../shaders/depthwise_common.wgsl?raw';
import depthwiseWgsl from '../../shaders/depthwise.wgsl?raw';
import depthwiseVec4Wgsl from '../../shaders/depthwise_vec4.wgsl?raw';
import directWgsl from '../../shaders/direct.wgsl?raw';
import { type ConvParams, outputElements } from '../params';
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

/** NHWC, multiplier 1, channels in fours: the vec4 kernel applies. */
/** Built once: a new string per call would be hashed and collected on every call. */
const kDepthwiseSource = `${depthwiseCommonWgsl}\n${depthwiseWgsl}`;
const kDepthwiseVec4Source = `${depthwiseCommonWgsl}\n${depthwiseVec4Wgsl}`;

const depthwiseVec4 = (p: ConvParams) => p.layout === 'NHWC' && p.outCPerGroup === 1 && p.inC % 4 === 0;

/** Depthwise (groups = i_c, any channel multiplier): zero workspace. */
export const depthwise: AlgorithmPlan = {
  algorithm: 'depthwise',
  workspace: () => [],
  passes(p, io) {
    const vec4 = depthwiseVec4(p);
    // The vec4 kernel: one invocation per 4 channels × 8 adjacent output columns (depthwise_vec4.wgsl).
    const total = vec4 ? p.batch * p.outH * Math.ceil(p.outW / kDepthwiseCols) * (p.outC / 4) : outputElements(p);
    return [
      {
        name: vec4 ? 'Depthwise.convVec4' : 'Depthwise.conv',
        code: vec4 ? kDepthwiseVec4Source : kDepthwiseSource,
        constants: {
          WORKGROUP_SIZE: kElementwiseWorkgroup,
          ...(vec4 ? { SLIDE: p.strideW === 1 && p.dilationW === 1 ? 1 : 0 } : { INPUT_NCHW: p.layout === 'NCHW' ? 1 : 0 }),
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
