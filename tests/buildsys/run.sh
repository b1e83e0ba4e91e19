#!/usr/bin/env bash
# run.sh BUILD_DIR SOURCE_DIR - installs recov from BUILD_DIR into a temporary
# prefix, then builds two small consumer projects against the installed tree:
#   consumer_cmake: find_package(recov) + recov_add_policy, with Ninja and with Make
#   consumer_make:  pkg-config, with plain make and with a hand-written build.ninja
# and checks that touching an imported header regenerates the code and that an
# unchanged rebuild does nothing.
set -euo pipefail
build=$1; src=$2
w=$(mktemp -d); trap 'rm -rf "$w"' EXIT
prefix=$w/prefix
cmake --install "$build" --prefix "$prefix" >/dev/null
export PKG_CONFIG_PATH=$prefix/lib/pkgconfig
fail() { echo "FAILED: $*"; exit 1; }
step() { echo "== $*"; }

# ---- find_package(recov) ------------------------------------------------------
for gen in Ninja "Unix Makefiles"; do
    step "cmake consumer, $gen"
    cp -r "$src/tests/buildsys/consumer_cmake" "$w/cm"
    cmake -S "$w/cm" -B "$w/cm/b" -G "$gen" -DCMAKE_PREFIX_PATH="$prefix" >/dev/null
    cmake --build "$w/cm/b" >"$w/log" 2>&1 || { cat "$w/log"; fail "first build"; }
    "$w/cm/b/sensor" >/dev/null || fail "sensor program"
    cmake --build "$w/cm/b" >"$w/log" 2>&1
    if [ "$gen" = Ninja ]; then
        grep -q "no work to do" "$w/log" || { cat "$w/log"; fail "$gen: unchanged rebuild did work"; }
        ninja -C "$w/cm/b" -n >"$w/log"; grep -q "no work to do" "$w/log" || fail "ninja -n: not up to date"
    else
        ! grep -Eq "recovc|Building" "$w/log" || { cat "$w/log"; fail "$gen: unchanged rebuild did work"; }
    fi
    sleep 1; touch "$w/cm/include/sensor.h"
    cmake --build "$w/cm/b" >"$w/log" 2>&1
    grep -q "recovc: sensor_policy.recov" "$w/log" || { cat "$w/log"; fail "$gen: header touch did not rerun recovc"; }
    cmake --build "$w/cm/b" >"$w/log" 2>&1
    ! grep -Eq "recovc:|Building" "$w/log" || { cat "$w/log"; fail "$gen: rebuild after header touch not idle"; }
    rm -rf "$w/cm"
done

# ---- pkg-config --------------------------------------------------------------
step "make consumer"
cp -r "$src/tests/buildsys/consumer_make" "$w/mk"
cd "$w/mk"
make -s >"$w/log" 2>&1 || { cat "$w/log"; fail "make"; }
./sensor >/dev/null || fail "sensor program (make)"
grep -q "include/sensor.h" gen/sensor_policy.d || fail "depfile does not name the header"
make -q || fail "make -q: not up to date after a build"
sleep 1; touch include/sensor.h
! make -q || fail "make -q: up to date after touching the imported header"
make -s >"$w/log" 2>&1
make -q || fail "make -q: not up to date after the rebuild"

step "ninja consumer"
rm -rf gen *.o sensor
printf 'recovc = %s\npcflags = %s\nlibs = %s\n' "$(pkg-config --variable=recovc recov)" \
    "$(pkg-config --cflags recov)" "$(pkg-config --libs recov)" > flags.ninja
mkdir -p gen
ninja >"$w/log" 2>&1 || { cat "$w/log"; fail "ninja"; }
./sensor >/dev/null || fail "sensor program (ninja)"
ninja -n >"$w/log"; grep -q "no work to do" "$w/log" || fail "ninja -n: not up to date"
sleep 1; touch include/sensor.h
ninja -n >"$w/log"; grep -q "recovc compile" "$w/log" || fail "ninja -n: header touch does not rerun recovc"
ninja >/dev/null
ninja -n >"$w/log"; grep -q "no work to do" "$w/log" || fail "ninja -n: not up to date after the rebuild"

# ---- installed recovc, test --via c -------------------------------------------
# The source tree's runtime is put out of reach (RECOV_NO_SOURCE_RUNTIME=1, no
# RECOV_RUNTIME) and the prefix is moved: recovc must find the runtime through
# its own place, PREFIX/bin/../share/recov/runtime.
step "installed recovc: test --via c with the installed runtime"
cd "$w"; mv "$prefix" "$w/moved"
rt="$src/tests/e2e/policies"
env -u RECOV_RUNTIME RECOV_NO_SOURCE_RUNTIME=1 "$w/moved/bin/recovc" test --via c \
    "$rt/repair.rtest" "$rt/textcap.rtest" >"$w/log" 2>&1 || { cat "$w/log"; fail "installed recovc test --via c"; }
[ "$(grep -c ': all passed$' "$w/log")" = 2 ] || { cat "$w/log"; fail "installed recovc test --via c: summaries"; }
mv "$w/moved/share/recov/runtime" "$w/rt-away"
rc=0; env -u RECOV_RUNTIME RECOV_NO_SOURCE_RUNTIME=1 "$w/moved/bin/recovc" test --via c "$rt/repair.rtest" \
    >"$w/log" 2>&1 || rc=$?
[ $rc = 2 ] && grep -q "no runtime directory" "$w/log" || { cat "$w/log"; fail "no runtime: expected exit 2, got $rc"; }
echo "buildsys: all passed"
