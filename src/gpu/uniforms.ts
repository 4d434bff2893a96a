/** By shader source, then struct name: the sources are module constants, so the lookup hashes nothing new per call. */
const fieldCache = new Map<string, Map<string, string[]>>();

/**
 * The u32 fields of a WGSL struct, in declaration order, read from the shader source itself so
 * the TypeScript side can never fall out of step with the struct it fills.
 */
export function structFields(code: string, struct: string): string[] {
  let byStruct = fieldCache.get(code);
  if (!byStruct) fieldCache.set(code, (byStruct = new Map()));
  let fields = byStruct.get(struct);
  if (!fields) {
    const body = new RegExp(`struct\\s+${struct}\\s*\\{([^}]*)\\}`).exec(code)?.[1];
    if (!body) throw new Error(`struct ${struct} not found in shader`);
    const stripped = body.replace(/\/\/[^\n]*/g, '');
    fields = [...stripped.matchAll(/(\w+)\s*:\s*(\w+)/g)].map(([, name, type]) => {
      if (type !== 'u32') throw new Error(`struct ${struct}.${name}: only u32 fields are supported, got ${type}`);
      return name;
    });
    byStruct.set(struct, fields);
  }
  return fields;
}

/** Pack named values into the struct's layout (all u32, padded to 16 bytes); unnamed padding fields are 0. */
export function packStruct(code: string, struct: string, values: Record<string, number>): Uint32Array<ArrayBuffer> {
  const fields = structFields(code, struct);
  const data = new Uint32Array(Math.ceil(fields.length / 4) * 4);
  fields.forEach((name, i) => {
    const v = values[name];
    if (v === undefined) {
      if (!name.startsWith('_')) throw new Error(`uniform ${struct}.${name} has no value`);
      return;
    }
    if (!Number.isInteger(v) || v < 0 || v > 0xffffffff) throw new RangeError(`uniform ${struct}.${name} = ${v} does not fit in u32`);
    data[i] = v;
  });
  for (const name of Object.keys(values)) {
    if (!fields.includes(name)) throw new Error(`uniform ${struct} has no field ${name}`);
  }
  return data;
}
