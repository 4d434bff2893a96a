import { fillTemplate } from './template';

/** What the written-out register-block kernels (gemm_block.wgsl, gemm_window.wgsl) are generated for. */
export interface BlockKernel {
  tm: number;
  tn4: number;
  shareB?: boolean;
}

/** Column offsets bC<j> of B and the bias of the block's TN4 vec4 columns. */
export function blockColumns(tn4: number): string[] {
  const cols = [...Array(tn4).keys()];
  return [
    ...cols.map((j) => `let bC${j} = bOffset + min(n0 + ${4 * j}u, lastCol) / 4u;`),
    ...cols.map((j) => `let bias${j} = biasOf(p, n0 + ${4 * j}u);`),
  ];
}

/**
 * B's four rows of a quad of k for the block's TN4 vec4 columns, named b<name><kk>_<j>, from bRow
 * plus `offset`. With B shared, lane l of each four loads row k + l and the four rows reach every
 * lane by broadcast.
 */
export function blockBLoads(tn4: number, shareB: boolean, name = '', offset = ''): string[] {
  const cols = [...Array(tn4).keys()];
  return shareB
    ? [
        ...cols.map((j) => `let bs${name}${j} = b[bC${j} + bRow${offset} + bLane];`),
        ...[0, 1, 2, 3].flatMap((kk) => cols.map((j) => `let b${name}${kk}_${j} = subgroupBroadcast(bs${name}${j}, ${kk}u);`)),
      ]
    : [0, 1, 2, 3].flatMap((kk) => cols.map((j) => `let b${name}${kk}_${j} = b[bC${j} + bRow${offset}${kk ? ` + ${kk}u * ldb` : ''}];`));
}

/** acc += a.x·b<name>0_<j> + … + a.w·b<name>3_<j>, as four fmas. */
export const blockFma = (acc: string, a: string, name: string, j: number) =>
  `${acc} = fma(vec4f(${a}.x), b${name}0_${j}, fma(vec4f(${a}.y), b${name}1_${j}, fma(vec4f(${a}.z), b${name}2_${j}, fma(vec4f(${a}.w), b${name}3_${j}, ${acc}))));`;

/** The kernel's WGSL: prelude and template with the `//#` lines filled; with B shared, subgroups enabled and each lane's row of B. */
export function fillBlockKernel(
  template: string,
  file: string,
  prelude: string,
  shareB: boolean,
  parts: { constants: string[]; declarations: string[]; body: string[]; stores: string[] },
): string {
  const fill = (code: string, marker: string, lines: string[]) => fillTemplate(code, marker, lines, file);
  let code = fill(`${shareB ? 'enable subgroups;\n' : ''}${prelude}\n${template}`, 'constants', parts.constants);
  code = fill(code, 'builtins', shareB ? ['@builtin(subgroup_invocation_id) lane: u32,'] : []);
  code = fill(code, 'declarations', shareB ? [...parts.declarations, 'let bLane = (lane % 4u) * ldb;'] : parts.declarations);
  code = fill(code, 'body', parts.body);
  return fill(code, 'stores', parts.stores);
}
