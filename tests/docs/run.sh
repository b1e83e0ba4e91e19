#!/usr/bin/env bash
# run.sh BUILD_DIR SOURCE_DIR - installs recov from BUILD_DIR into a fresh
# prefix, puts its bin/ first on PATH (with CMAKE_PREFIX_PATH pointing at it)
# and runs every command of the user documents (tests/docs/doctest.py).
set -euo pipefail
build=$(realpath "$1"); src=$(realpath "$2")
w=$(mktemp -d); trap 'rm -rf "$w"' EXIT
cmake --install "$build" --prefix "$w/prefix" >/dev/null
export PATH="$w/prefix/bin:$PATH" CMAKE_PREFIX_PATH="$w/prefix"
unset RECOV_RUNTIME
python3 "$src/tests/docs/doctest.py" "$w/work" "$src/docs/tutorial.md" "$src/README.md"
