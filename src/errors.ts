/** Base class of every error this library throws on purpose. */
export class MecError extends Error {
  override name = 'MecError';
}

/** A bad argument, found before any GPU work: names the argument, the value and the rule. */
export class ConvArgumentError extends MecError {
  override name = 'ConvArgumentError';
  constructor(
    readonly argument: string,
    readonly value: unknown,
    readonly rule: string,
  ) {
    super(`${argument} = ${describe(value)}: ${rule}`);
  }
}

/** A shape or buffer that exceeds a device limit (binding size, workgroup grid, buffer size). */
export class LimitError extends MecError {
  override name = 'LimitError';
  constructor(
    readonly what: string,
    readonly needed: number,
    readonly limitName: string,
    readonly limit: number,
  ) {
    super(`${what} needs ${needed}, above the device limit ${limitName} = ${limit}`);
  }
}

/** The device reported a validation error while encoding or submitting: a bug in this library. */
export class GpuValidationError extends MecError {
  override name = 'GpuValidationError';
}

/** The device could not allocate memory. */
export class OutOfMemoryError extends MecError {
  override name = 'OutOfMemoryError';
  constructor(
    message: string,
    readonly bytes: number,
  ) {
    super(message);
  }
}

/** The device was lost; create a new engine (or pass a new device) to continue. */
export class DeviceLostError extends MecError {
  override name = 'DeviceLostError';
  constructor(
    readonly reason: string,
    message: string,
  ) {
    super(`GPU device lost (${reason}): ${message}`);
  }
}

/** No WebGPU adapter could be found. */
export class NoAdapterError extends MecError {
  override name = 'NoAdapterError';
}

function describe(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map(describe).join(', ')}]`;
  if (value instanceof Float32Array) return `Float32Array(length ${value.length})`;
  if (ArrayBuffer.isView(value)) return `${value.constructor.name}(length ${(value as unknown as { length: number }).length})`;
  if (value && typeof value === 'object') {
    const name = (value as object).constructor?.name ?? 'object';
    if ('size' in value && 'usage' in value) return `${name}(size ${(value as GPUBuffer).size}, usage 0x${(value as GPUBuffer).usage.toString(16)})`;
    return name;
  }
  return String(value);
}
