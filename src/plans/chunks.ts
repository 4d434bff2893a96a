import { type ConvParams, inputElements, outputElements } from '../params';
import type { WorkspaceBuffer } from './types';

/** A copy of `elements` f32s between the caller's tensor and a chunk's buffer, either way (offsets in elements). */
export type Copy = readonly [callerOffset: number, chunkOffset: number, elements: number];

/** One sub-convolution: its parameters, and the copies that feed its input and place its output. */
export interface Chunk {
  params: ConvParams;
  xCopies: Copy[];
  yCopies: Copy[];
}

export interface ChunkPlan {
  chunks: Chunk[];
  /** The buffers every chunk reuses: chunk input, chunk output, then the algorithm's own, each as large as the largest chunk needs. */
  workspace: WorkspaceBuffer[];
}

/** A run of images [n0, n1): contiguous in both layouts. */
function imageChunk(p: ConvParams, n0: number, n1: number): Chunk {
  const params = { ...p, batch: n1 - n0 };
  const xImage = p.inH * p.inW * p.inC;
  const yImage = p.outH * p.outW * p.outC;
  return { params, xCopies: [[n0 * xImage, 0, (n1 - n0) * xImage]], yCopies: [[n0 * yImage, 0, (n1 - n0) * yImage]] };
}

/**
 * Output rows [h0, h1) of image n, as a convolution of its own: the input rows they read
 * (padded rows P0…P1, of which the real ones are a0…a1) become a cropped image whose padding is
 * what remains of the original's at each edge.
 */
function rowChunk(p: ConvParams, n: number, h0: number, h1: number): Chunk | undefined {
  const effKH = (p.kH - 1) * p.dilationH + 1;
  const P0 = h0 * p.strideH;
  const P1 = (h1 - 1) * p.strideH + effKH;
  const a0 = Math.max(0, P0 - p.padTop);
  const a1 = Math.min(p.inH, P1 - p.padTop);
  if (a1 <= a0) return undefined; // these output rows see only padding: not worth a special case
  const rows = a1 - a0;
  const params: ConvParams = {
    ...p, batch: 1, inH: rows, padTop: a0 - (P0 - p.padTop), padBottom: P1 - p.padTop - a1, paddedH: P1 - P0, outH: h1 - h0,
  };
  const outRows = h1 - h0;
  if (p.layout === 'NHWC') {
    return {
      params,
      xCopies: [[(n * p.inH + a0) * p.inW * p.inC, 0, rows * p.inW * p.inC]],
      yCopies: [[(n * p.outH + h0) * p.outW * p.outC, 0, outRows * p.outW * p.outC]],
    };
  }
  // NCHW: one copy per channel plane.
  const xCopies: Copy[] = [];
  for (let c = 0; c < p.inC; c++) xCopies.push([((n * p.inC + c) * p.inH + a0) * p.inW, c * rows * p.inW, rows * p.inW]);
  const yCopies: Copy[] = [];
  for (let c = 0; c < p.outC; c++) yCopies.push([((n * p.outC + c) * p.outH + h0) * p.outW, c * outRows * p.outW, outRows * p.outW]);
  return { params, xCopies, yCopies };
}

/**
 * Split a convolution whose input, output or workspace would exceed `maxBindingBytes` into
 * chunks that each fit: runs of whole images first, rows of one image when one image is too
 * large. Returns undefined when the whole convolution fits, and throws a RangeError when not even
 * one output row does.
 */
export function planChunks(p: ConvParams, workspaceOf: (p: ConvParams) => WorkspaceBuffer[], maxBindingBytes: number): ChunkPlan | undefined {
  const fits = (q: ConvParams) =>
    inputElements(q) * 4 <= maxBindingBytes && outputElements(q) * 4 <= maxBindingBytes && workspaceOf(q).every((b) => b.elements * 4 <= maxBindingBytes);
  if (fits(p)) return undefined;
  let chunks: Chunk[] = [];
  const perImage = { ...p, batch: 1 };
  if (fits(perImage)) {
    // The largest run of images that fits: every size here is linear in the batch.
    let nb = 1;
    while (nb < p.batch && fits({ ...p, batch: nb * 2 })) nb *= 2;
    for (let step = nb >> 1; step > 0; step >>= 1) if (nb + step < p.batch && fits({ ...p, batch: nb + step })) nb += step;
    for (let n0 = 0; n0 < p.batch; n0 += nb) chunks.push(imageChunk(p, n0, Math.min(p.batch, n0 + nb)));
  } else {
    // The worst chunk of `rows` output rows reads (rows − 1)·s_h + dilated k_h padded rows, all real.
    const rowsFit = (rows: number) => {
      const paddedH = (rows - 1) * p.strideH + (p.kH - 1) * p.dilationH + 1;
      const inH = Math.min(p.inH, paddedH);
      return fits({ ...p, batch: 1, inH, padTop: paddedH - inH, padBottom: 0, paddedH, outH: rows });
    };
    if (!rowsFit(1)) throw new RangeError(`one output row needs more than ${maxBindingBytes} bytes in a binding`);
    let rows = 1;
    while (rows < p.outH && rowsFit(rows * 2)) rows *= 2;
    for (let n = 0; n < p.batch; n++) {
      for (let h0 = 0; h0 < p.outH; h0 += rows) {
        const c = rowChunk(p, n, h0, Math.min(p.outH, h0 + rows));
        if (!c) throw new RangeError(`output rows ${h0}… of image ${n} read only padding`);
        chunks.push(c);
      }
    }
  }
  chunks = chunks.filter((c) => c.params.batch > 0);
  const maxOf = (f: (c: Chunk) => number) => Math.max(...chunks.map(f));
  const own = chunks.map((c) => workspaceOf(c.params));
  const workspace: WorkspaceBuffer[] = [
    { name: 'chunk.x', elements: maxOf((c) => inputElements(c.params)) },
    { name: 'chunk.y', elements: maxOf((c) => outputElements(c.params)) },
    ...own[0].map((b, i) => ({ name: b.name, elements: Math.max(...own.map((w) => w[i].elements)) })),
  ];
  return { chunks, workspace };
}
