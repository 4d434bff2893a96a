#!/usr/bin/env bash
# The bench on a machine with a real GPU that has no Node, no npm and no network (a lent GPU box).
#   bash scripts/device-bench.sh prepare        # here: bundle the Node bench, pack Node, Dawn and the Vulkan loader into .gpu-bench/
#   bash scripts/device-bench.sh run [ARGS...]  # there (carry .gpu-bench): unpack, find the GPU's Vulkan driver, then run
#                                               # `bench --node` (our algorithms and TF.js on Dawn) with ARGS, the
#                                               # correctness grid and 300 fuzz cases; results and logs to $OUT
set -euo pipefail
cd "$(dirname "$0")/.."
pack=.gpu-bench

case "${1:-}" in
prepare)
  rm -rf "$pack" && mkdir -p "$pack/node_modules/webgpu/dist/linux-x64" "$pack/node_modules/chart.js/dist" "$pack/deb"
  npx vite-node scripts/bundle-node-bench.ts -- "$pack/app"
  cp node_modules/webgpu/index.js node_modules/webgpu/package.json "$pack/node_modules/webgpu/"
  cp node_modules/webgpu/dist/linux-x64/dawn.node "$pack/node_modules/webgpu/dist/linux-x64/"
  cp node_modules/chart.js/dist/chart.umd.min.js "$pack/node_modules/chart.js/dist/"
  xz -T0 -6 -c "$(readlink -f "$(command -v node)")" >"$pack/node.xz"
  (cd "$pack/deb" && apt-get download libvulkan1 libglvnd0 libglx0 libegl1 libgl1 libopengl0 libgles2 2>&1 | grep -v '^W:' || true)
  du -sh "$pack"
  ;;
run)
  shift
  out="${OUT:-$PWD/$pack/out}"
  mkdir -p "$out" /tmp/gpu-bench-bin
  # The Vulkan loader and glvnd (NVIDIA's ICD, libGLX_nvidia, needs libGLdispatch), where the image has none.
  if ! ldconfig -p | grep -q 'libvulkan.so.1 ' || ! ldconfig -p | grep -q 'libGLdispatch.so.0 '; then
    for f in "$pack"/deb/*.deb; do dpkg -x "$f" /; done
    ldconfig
  fi
  xz -dc "$pack/node.xz" >/tmp/gpu-bench-bin/node && chmod +x /tmp/gpu-bench-bin/node
  for icd in /usr/local/nvidia/share/vulkan/icd.d/nvidia_icd.json /usr/share/vulkan/icd.d/nvidia_icd.json /etc/vulkan/icd.d/nvidia_icd.json; do
    if [ -z "${VK_ICD_FILENAMES:-}" ] && [ -f "$icd" ]; then export VK_ICD_FILENAMES="$icd" VK_DRIVER_FILES="$icd"; fi
  done
  echo "Vulkan ICD: ${VK_ICD_FILENAMES:-loader default}"
  command -v nvidia-smi >/dev/null && nvidia-smi --query-gpu=name,driver_version,clocks.sm,clocks.mem --format=csv,noheader || true
  export MEC_WEBGPU_TUNE_CACHE="$out/tune-cache.json" MEC_WEBGPU_ICD=none
  # Each step under its own limit, its log under $out; a failed step does not stop the next.
  step() {
    local name=$1 limit=$2
    shift 2
    timeout "$limit" /tmp/gpu-bench-bin/node "$@" 2>&1 | tee "$out/$name.log"
    echo "$name: exit ${PIPESTATUS[0]}"
  }
  set +e
  step bench "${BENCH_LIMIT_S:-330}" "$pack/app/bench.mjs" --node --out "$out" "$@"
  step grid "${GRID_LIMIT_S:-90}" "$pack/app/grid.mjs"
  step fuzz "${FUZZ_LIMIT_S:-45}" "$pack/app/fuzz.mjs" --cases 300 --seed 20261125
  ;;
*)
  echo "usage: bash scripts/device-bench.sh prepare | run [bench options]" >&2
  exit 2
  ;;
esac
