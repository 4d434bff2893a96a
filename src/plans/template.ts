/**
 * Fill a generated kernel's `//# marker: …` line with `lines`, at the marker's indentation. Used
 * for register blocks, which WGSL can neither size by `override` nor unroll (gemm_block.wgsl,
 * depthwise_block.wgsl).
 */
export function fillTemplate(code: string, marker: string, lines: readonly string[], file: string): string {
  const re = new RegExp(`^( *)//# ${marker}:.*$`, 'm');
  if (!re.test(code)) throw new Error(`${file} has no '//# ${marker}' line`);
  return code.replace(re, (_m, indent: string) => lines.map((l) => indent + l).join('\n'));
}
