// A one-node ONNX model (Conv, opset 17) built in code: a minimal protobuf writer for the few
// ModelProto fields it needs (field numbers from onnx/onnx.proto). No dependency, no file on disk.

/** Protobuf wire types. */
const kVarint = 0;
const kLengthDelimited = 2;
/** TensorProto.DataType.FLOAT and AttributeProto.AttributeType.INT / INTS. */
const kFloat = 1;
const kAttrInt = 2;
const kAttrInts = 7;
/** IR version 8 goes with opset 17 (ONNX 1.12). */
const kIrVersion = 8;
export const kOnnxOpset = 17;

class ProtoWriter {
  /** Small header bytes collect here; payloads are kept as chunks (weights can be megabytes). */
  private pending: number[] = [];
  private readonly chunks: Uint8Array[] = [];
  private length = 0;

  private varint(v: number): void {
    // Non-negative values only (dims, enums, versions): no zig-zag or 64-bit sign handling needed.
    if (!(Number.isSafeInteger(v) && v >= 0)) throw new RangeError(`varint must be a non-negative safe integer, got ${v}`);
    while (v >= 0x80) {
      this.pending.push((v % 0x80) | 0x80);
      v = Math.floor(v / 0x80);
    }
    this.pending.push(v);
  }

  private flush(): void {
    if (this.pending.length === 0) return;
    this.push(Uint8Array.from(this.pending));
    this.pending = [];
  }

  private push(data: Uint8Array): void {
    this.chunks.push(data);
    this.length += data.length;
  }

  private tag(field: number, wire: number): void {
    this.varint(field * 8 + wire);
  }

  int(field: number, v: number): this {
    this.tag(field, kVarint);
    this.varint(v);
    return this;
  }

  /** A packed repeated int64 field. */
  ints(field: number, values: readonly number[]): this {
    const inner = new ProtoWriter();
    for (const v of values) inner.varint(v);
    return this.raw(field, inner.finish());
  }

  string(field: number, s: string): this {
    return this.raw(field, new TextEncoder().encode(s));
  }

  message(field: number, m: ProtoWriter): this {
    return this.raw(field, m.finish());
  }

  raw(field: number, data: Uint8Array): this {
    this.tag(field, kLengthDelimited);
    this.varint(data.length);
    this.flush();
    this.push(data);
    return this;
  }

  finish(): Uint8Array {
    this.flush();
    const out = new Uint8Array(this.length);
    let at = 0;
    for (const c of this.chunks) {
      out.set(c, at);
      at += c.length;
    }
    return out;
  }
}

/** ValueInfoProto for a float tensor of a fixed shape. */
function valueInfo(name: string, dims: readonly number[]): ProtoWriter {
  const shape = new ProtoWriter();
  for (const d of dims) shape.message(1, new ProtoWriter().int(1, d)); // TensorShapeProto.dim { dim_value }
  const tensorType = new ProtoWriter().int(1, kFloat).message(2, shape); // TypeProto.Tensor { elem_type, shape }
  return new ProtoWriter().string(1, name).message(2, new ProtoWriter().message(1, tensorType)); // { name, type { tensor_type } }
}

function intsAttribute(name: string, values: readonly number[]): ProtoWriter {
  return new ProtoWriter().string(1, name).int(20, kAttrInts).ints(8, values);
}

export interface OnnxConvModel {
  /** [N, C, H, W] */
  xShape: readonly number[];
  /** OIHW: [k_c, i_c / group, k_h, k_w] */
  wShape: readonly number[];
  /** OIHW weights, stored in the model as an initializer (raw little-endian float32). */
  weights: Float32Array;
  strides: readonly [number, number];
  /** ONNX order: [top, left, bottom, right]. */
  pads: readonly [number, number, number, number];
  group: number;
  /** [N, k_c, o_h, o_w] */
  yShape: readonly number[];
}

/** ModelProto bytes of `Y = Conv(X, W)`: input 'X', output 'Y', weights as initializer 'W'. */
export function onnxConvModel(m: OnnxConvModel): Uint8Array {
  const conv = new ProtoWriter()
    .string(1, 'X')
    .string(1, 'W')
    .string(2, 'Y')
    .string(3, 'conv')
    .string(4, 'Conv')
    .message(5, intsAttribute('kernel_shape', [m.wShape[2], m.wShape[3]]))
    .message(5, intsAttribute('strides', m.strides))
    .message(5, intsAttribute('pads', m.pads))
    .message(5, intsAttribute('dilations', [1, 1]))
    .message(5, new ProtoWriter().string(1, 'group').int(20, kAttrInt).int(3, m.group));
  const le = new Uint8Array(m.weights.buffer, m.weights.byteOffset, m.weights.byteLength); // WebAssembly hosts are little-endian
  const initializer = new ProtoWriter().ints(1, m.wShape).int(2, kFloat).string(8, 'W').raw(9, le);
  const graph = new ProtoWriter()
    .message(1, conv)
    .string(2, 'mec_bench_conv')
    .message(5, initializer)
    .message(11, valueInfo('X', m.xShape))
    .message(12, valueInfo('Y', m.yShape));
  return new ProtoWriter()
    .int(1, kIrVersion)
    .string(2, 'mec-webgpu bench')
    .message(7, graph)
    .message(8, new ProtoWriter().string(1, '').int(2, kOnnxOpset))
    .finish();
}
