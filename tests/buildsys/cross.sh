#!/usr/bin/env bash
# cross.sh BUILD_DIR SOURCE_DIR - installs recov into a temporary prefix and
# builds firmware against it with arm-none-eabi-gcc:
#   consumer_cross:  find_package(recov) under a Cortex-M4 toolchain file;
#                    recov::runtime, recov_add_runtime() and
#                    recov::runtime_sources, one linked -nostdlib image each
#   consumer_zephyr: recov as a Zephyr module (share/recov/zephyr/module.yml)
#                    loaded by a stand-in for Zephyr's module handling
# Every image must be an ARM ELF whose runtime came from the installed
# sources, not the build machine's librecov.a; recovc reads the imported
# header as clang does for arm-none-eabi.
set -euo pipefail
build=$(realpath "$1"); src=$(realpath "$2")
w=$(mktemp -d); trap 'rm -rf "$w"' EXIT
fail() { echo "FAILED: $*"; exit 1; }
prefix=$w/prefix
cmake --install "$build" --prefix "$prefix" >/dev/null
cp -r "$src/tests/buildsys/consumer_cross" "$src/tests/buildsys/consumer_zephyr" "$w/"
for d in "$w/consumer_cross" "$w/consumer_zephyr/app"; do
    cp -r "$src/tests/buildsys/consumer_cmake/include" "$src/tests/buildsys/consumer_cmake/sensor_policy.recov" "$d/"
done
is_arm() {  # ELF NAME
    readelf -h "$1" | grep -q "Machine: *ARM" || fail "$2: not an ARM image"
    arm-none-eabi-nm "$1" | grep -q " T recov_" || fail "$2: no runtime function linked"
    arm-none-eabi-nm "$1" | grep -q " T sensor_policy_failed" || fail "$2: no policy linked"
}

echo "== cross consumer (toolchain file, find_package(recov))"
c=$w/consumer_cross
cmake -S "$c" -B "$c/b" -G Ninja -DCMAKE_TOOLCHAIN_FILE="$c/arm-none-eabi.cmake" \
    -Drecov_DIR="$prefix/lib/cmake/recov" >"$w/log" 2>&1 || { cat "$w/log"; fail "cross: configure"; }
cmake --build "$c/b" >"$w/log" 2>&1 || { cat "$w/log"; fail "cross: build"; }
for t in fw_default fw_own fw_inline; do is_arm "$c/b/$t" "cross $t"; done
! grep -q "librecov.a" "$c/b/build.ninja" || fail "cross: the build machine's librecov.a is linked"
grep -q "$prefix/share/recov/runtime/src/recov.c" "$c/b/build.ninja" || fail "cross: runtime not built from the installed sources"
grep -q -- "-Os -Wall -Wextra -Werror" "$c/b/build.ninja" || fail "cross: recov_add_runtime's target did not take its own flags"
grep -q "recovc compile .*sensor_policy.recov .*--target arm-none-eabi" "$c/b/build.ninja" \
    || fail "cross: recovc does not read the imports for the target (--target arm-none-eabi)"
grep -q "/usr/lib/llvm-[0-9]*/lib/clang/.*/stdint.h" "$c/b/recov/sensor_policy/sensor_policy.d" \
    || fail "cross: imports not read as for a bare-metal target (clang's own stdint.h)"

echo "== Zephyr-style module"
z=$w/consumer_zephyr
cmake -S "$z/app" -B "$z/b" -G Ninja -DZEPHYR_BASE="$z/zephyr_base" \
    -DZEPHYR_EXTRA_MODULES="$prefix/share/recov" >"$w/log" 2>&1 || { cat "$w/log"; fail "zephyr: configure"; }
cmake --build "$z/b" >"$w/log" 2>&1 || { cat "$w/log"; fail "zephyr: build"; }
is_arm "$z/b/zephyr.elf" zephyr
[ -f "$z/b/modules/recov/librecov.a" ] || fail "zephyr: the module did not build the runtime library"
echo "cross: all passed"
