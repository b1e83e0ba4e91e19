#!/usr/bin/env bash
# meson.sh BUILD_DIR SOURCE_DIR - installs recov into a temporary prefix and
# builds consumer_meson (consumer_cmake's program, policy and header) with
# Meson: recov found through pkg-config, recovc run as a generator; `meson
# test` runs the program; an unchanged rebuild is idle, touching the
# imported header reruns recovc.
set -euo pipefail
build=$(realpath "$1"); src=$(realpath "$2")
w=$(mktemp -d); trap 'rm -rf "$w"' EXIT
fail() { echo "FAILED: $*"; exit 1; }
cmake --install "$build" --prefix "$w/prefix" >/dev/null
export PKG_CONFIG_PATH=$w/prefix/lib/pkgconfig
m=$w/consumer_meson
cp -r "$src/tests/buildsys/consumer_meson" "$m"
cp -r "$src/tests/buildsys/consumer_cmake/include" "$src/tests/buildsys/consumer_cmake/main.c" \
    "$src/tests/buildsys/consumer_cmake/sensor_policy.recov" "$m/"
meson setup "$m/b" "$m" >"$w/log" 2>&1 || { cat "$w/log"; fail "meson setup"; }
meson compile -C "$m/b" >"$w/log" 2>&1 || { cat "$w/log"; fail "meson compile"; }
meson test -C "$m/b" >"$w/log" 2>&1 || { cat "$w/log" "$m/b/meson-logs/testlog.txt"; fail "meson test"; }
grep -q "^Ok: *1" "$w/log" || { cat "$w/log"; fail "meson test: the program's test did not run"; }
ninja -C "$m/b" -n >"$w/log"; grep -q "no work to do" "$w/log" || { cat "$w/log"; fail "not up to date after a build"; }
sleep 1; touch "$m/include/sensor.h"
ninja -C "$m/b" -n >"$w/log"; grep -q "Generating from 'sensor_policy.recov'" "$w/log" \
    || { cat "$w/log"; fail "touching the imported header does not rerun recovc"; }
echo "meson: all passed"
