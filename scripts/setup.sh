#!/usr/bin/env bash
# Set up a fresh Debian machine (as root, Node >= 20.19 present): Debian's chromium (the browser
# the tests drive, and the SwiftShader Vulkan driver that gives Node's Dawn a CPU adapter), the
# Vulkan loader, and the npm packages. Nothing downloads a browser or binary of its own.
set -euo pipefail
cd "$(dirname "$0")/.."

missing=()
for pkg in chromium libvulkan1; do
  dpkg -s "$pkg" >/dev/null 2>&1 || missing+=("$pkg")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "setup: installing ${missing[*]} from Debian" >&2
  SUDO=""
  [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${missing[@]}" >/dev/null
fi

export PUPPETEER_SKIP_DOWNLOAD=1
if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  echo "setup: npm ci" >&2
  npm ci --no-audit --no-fund
fi
