#!/usr/bin/env bash
# embed.sh SOURCE_DIR - builds tests/buildsys/consumer_embed, a project that
# builds recov from source inside its own build: once through add_subdirectory,
# once through FetchContent from a tarball of the source tree.  Checks that
# the consumer gets recovc, the runtime, recov_add_policy() and
# recov_add_runtime(), that recov's
# tests and examples stay out of the consumer's build, that -Werror is not
# forced on it, that recovc's data holds no source-tree path, and that the
# sensor program runs.
set -euo pipefail
src=$(realpath "$1")
w=$(mktemp -d); trap 'rm -rf "$w"' EXIT
fail() { echo "FAILED: $*"; exit 1; }
tar -C "$src" --exclude='./build*' --exclude=./.git -czf "$w/recov.tar.gz" .
for via in subdir fetch; do
    echo "== consumer through $via"
    # the program, policy and header are consumer_cmake's; only the way
    # recov is brought in (consumer_embed/CMakeLists.txt) differs
    cp -r "$src/tests/buildsys/consumer_cmake" "$w/$via"
    cp "$src/tests/buildsys/consumer_embed/CMakeLists.txt" "$w/$via/"
    cmake -S "$w/$via" -B "$w/$via/b" -G Ninja -DRECOV_VIA=$via -DRECOV_SRC="$src" \
        -DRECOV_URL="$w/recov.tar.gz" >"$w/log" 2>&1 || { cat "$w/log"; fail "$via: configure"; }
    targets=$(ninja -C "$w/$via/b" -t targets all)
    ! grep -Eq "test_emit|agent_call_demo|rc_diff" <<<"$targets" || fail "$via: recov's tests or examples are in the consumer's build"
    ! grep -q -- "-Werror" "$w/$via/b/build.ninja" || fail "$via: -Werror forced on the consumer"
    cmake --build "$w/$via/b" >"$w/log" 2>&1 || { cat "$w/log"; fail "$via: build"; }
    "$w/$via/b/sensor" >/dev/null || fail "$via: sensor program"
    "$w/$via/b/sensor_own" >/dev/null || fail "$via: sensor program with recov_add_runtime's runtime"
    rc=$(find "$w/$via/b" -name recovc -type f -perm -u+x | head -1)
    [ -n "$rc" ] || fail "$via: no recovc built"
    # debug info may name source files; the program's data must not
    objcopy -O binary --only-section=.rodata --only-section=.data "$rc" "$w/data.bin"
    [ -s "$w/data.bin" ] || fail "$via: no data sections read from $rc"
    ! grep -qa "$src" "$w/data.bin" || fail "$via: recovc's data holds the source path $src"
    rm -rf "$w/$via"
done
echo "embed: all passed"
