/**
 * Fold a 1-D count of workgroups into an (x, y, z) dispatch that stays within
 * maxComputeWorkgroupsPerDimension. Shaders rebuild the linear index from
 * workgroup_id and num_workgroups and skip the few ids past `count`.
 */
export function foldWorkgroups(count: number, maxPerDim: number): [number, number, number] {
  if (count <= maxPerDim) return [Math.max(count, 1), 1, 1];
  const y = Math.ceil(count / maxPerDim);
  if (y <= maxPerDim) return [maxPerDim, y, 1];
  const z = Math.ceil(count / (maxPerDim * maxPerDim));
  if (z > maxPerDim) throw new RangeError(`${count} workgroups exceed ${maxPerDim}^3`);
  return [maxPerDim, maxPerDim, z];
}
