// The benchmark layers of MEC.md as data: the twelve layers cv1…cv12 of the paper's set (as the
// project reconstructs it) plus GoogLeNet's 5×5 inception branch and MobileNet's depthwise 3×3.
// Shared by the profile CLI and the demo page: no Node APIs here.
import type { Conv2dOptions } from '../src/engine';
import type { Shape4 } from '../src/params';

export interface BenchLayer {
  /** Short id used on the command line: 'cv1' … 'cv12', 'googlenet-5x5', 'mobilenet-dw-s1', … */
  id: string;
  /** Where the layer comes from, e.g. 'AlexNet conv1'. */
  network: string;
  /** NHWC input, one image. */
  inH: number;
  inW: number;
  inC: number;
  kH: number;
  kW: number;
  /** k_c, output channels. */
  outC: number;
  /** The same stride along H and W. */
  stride: number;
  /** The same padding on all four sides. */
  pad: number;
  /** 1 for a plain convolution; inC for depthwise. */
  groups: number;
}

const conv = (id: string, network: string, [inH, inW, inC]: [number, number, number], k: number, outC: number, stride: number, pad: number, groups = 1): BenchLayer => ({
  id, network, inH, inW, inC, kH: k, kW: k, outC, stride, pad, groups,
});

/** MEC.md's table, in its order, then the two additions it asks for. */
export const kBenchLayers: readonly BenchLayer[] = [
  conv('cv1', 'AlexNet conv1', [227, 227, 3], 11, 96, 4, 0),
  conv('cv2', 'OverFeat conv1', [231, 231, 3], 11, 96, 4, 0),
  conv('cv3', 'ResNet conv1', [224, 224, 3], 7, 64, 2, 3),
  conv('cv4', 'VGG conv1_2', [224, 224, 64], 3, 64, 1, 1),
  conv('cv5', 'OverFeat conv2', [24, 24, 96], 5, 256, 1, 0),
  conv('cv6', 'OverFeat conv3', [12, 12, 256], 3, 512, 1, 1),
  conv('cv7', 'VGG conv1_1', [224, 224, 3], 3, 64, 1, 1),
  conv('cv8', 'VGG conv2_1', [112, 112, 64], 3, 128, 1, 1),
  conv('cv9', 'ResNet conv2_x', [56, 56, 64], 3, 64, 1, 1),
  conv('cv10', 'ResNet conv3_x', [28, 28, 128], 3, 128, 1, 1),
  conv('cv11', 'ResNet conv4_x', [14, 14, 256], 3, 256, 1, 1),
  conv('cv12', 'ResNet conv5_x', [7, 7, 512], 3, 512, 1, 1),
  conv('googlenet-5x5', 'GoogLeNet inception 5×5 branch', [28, 28, 16], 5, 32, 1, 2),
  conv('mobilenet-dw-s1', 'MobileNet depthwise 3×3, stride 1', [112, 112, 32], 3, 32, 1, 1, 32),
  conv('mobilenet-dw-s2', 'MobileNet depthwise 3×3, stride 2', [112, 112, 32], 3, 32, 2, 1, 32),
];

export function findBenchLayer(id: string): BenchLayer | undefined {
  return kBenchLayers.find((l) => l.id === id);
}

/** groups = input channels with one input channel per group: the layers 'depthwise' applies to. */
export const isDepthwiseLayer = (l: BenchLayer) => l.groups > 1 && l.groups === l.inC;

/** What engine.conv2d / engine.plan take for one layer (NHWC input, HWIO weights). */
export interface LayerConv {
  layer: BenchLayer;
  /** [i_n, H, W, i_c] after scaling. */
  xShape: Shape4;
  /** [k_h, k_w, i_c / groups, k_c]. */
  wShape: Shape4;
  options: Conv2dOptions;
  /** The spatial scale asked for (1 = the layer's real size). */
  scale: number;
}

export interface LayerConvOptions {
  /** i_n; default 1. */
  batch?: number;
  /** Multiplies H and W (quick runs), 0 < scale ≤ 1; default 1. Kernels, channels and strides stay. */
  scale?: number;
}

/**
 * A spatial size scaled down, but never below k + stride so that even without padding the
 * kernel fits and at least two output rows/columns remain (the lowering still has overlap to share).
 */
function scaledSize(size: number, k: number, stride: number, scale: number): number {
  if (scale === 1) return size;
  return Math.min(size, Math.max(Math.round(size * scale), k + stride));
}

/** The layer as conv2d arguments. */
export function layerConv(layer: BenchLayer, { batch = 1, scale = 1 }: LayerConvOptions = {}): LayerConv {
  if (!(Number.isSafeInteger(batch) && batch > 0)) throw new RangeError(`batch must be a positive integer, got ${batch}`);
  if (!(scale > 0 && scale <= 1)) throw new RangeError(`scale must be in (0, 1], got ${scale}`);
  const h = scaledSize(layer.inH, layer.kH, layer.stride, scale);
  const w = scaledSize(layer.inW, layer.kW, layer.stride, scale);
  const p = layer.pad;
  return {
    layer,
    xShape: [batch, h, w, layer.inC],
    wShape: [layer.kH, layer.kW, layer.inC / layer.groups, layer.outC],
    options: { strides: layer.stride, padding: [p, p, p, p], groups: layer.groups, layout: 'NHWC' },
    scale,
  };
}

/** 'H×W×C → k×k, k_c /s p g' for tables. */
export function describeLayerConv(c: LayerConv): string {
  const [n, h, w, ci] = c.xShape;
  const l = c.layer;
  const extra = [l.stride > 1 ? `s${l.stride}` : '', l.pad ? `p${l.pad}` : '', l.groups > 1 ? `g${l.groups}` : ''].filter((s) => s);
  return `${n > 1 ? `${n}×` : ''}${h}×${w}×${ci} → ${l.kH}×${l.kW},${l.outC}${extra.length ? ` ${extra.join(' ')}` : ''}`;
}
