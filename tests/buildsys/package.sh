#!/usr/bin/env bash
# package.sh BUILD_DIR SOURCE_DIR - runs the README's install commands (an
# install into a temporary prefix, whose documents are checked, and the .deb
# they build) and builds the .tar.gz with CPack, then checks each package:
# the version everywhere is the runtime header's RECOV_VERSION_STRING; recovc is stripped; the unpacked tree (moved to a
# place of its own, nothing of the build tree in reach) compiles a policy,
# builds it with the packaged runtime and runs a scenario --via c; the docs
# and the man page are in it.  The .deb's control data names its
# dependencies; dpkg installs it into a fresh root where a CMake and a make
# consumer build against it, and removes it without leftovers.
set -euo pipefail
build=$(realpath "$1"); src=$(realpath "$2")
w=$(mktemp -d); trap 'rm -rf "$w"' EXIT
fail() { echo "FAILED: $*"; exit 1; }
ver=$(sed -n 's/^#define RECOV_VERSION_STRING "\([0-9.]*\)"/\1/p' "$src/runtime/include/recov/recov.h")
[ -n "$ver" ] || fail "no RECOV_VERSION_STRING"
# the README's install commands, run as written (tests/docs/readme_install.py):
# they install into a prefix and make the .deb checked below; the installed
# documents and help texts name only installed files (installed_links.py)
python3 "$src/tests/docs/readme_install.py" "$build" "$src" "$w/readme" >"$w/log" || { cat "$w/log"; fail "README"; }
head -n -1 "$w/log"; prefix=$(tail -n 1 "$w/log")
python3 "$src/tests/docs/installed_links.py" "$prefix" || fail "installed documents"
(cd "$w" && cpack --config "$build/CPackConfig.cmake" -G TGZ -B "$w/out" >"$w/log" 2>&1) || { cat "$w/log"; fail "cpack"; }
tgz=$(ls "$w"/out/recov-"$ver"-*.tar.gz); deb=$(ls "$w"/readme/cd-*/recov_"$ver"_*.deb)
[ "$(dpkg-deb -f "$deb" Version)" = "$ver" ] || fail ".deb version"
dpkg-deb -f "$deb" Depends | grep -q libclang || fail ".deb does not depend on libclang"
check_tree() {  # ROOT: an unpacked prefix
    local r=$1 name=$2
    ! readelf -S "$r/bin/recovc" | grep -q "\.symtab" || fail "$name: recovc not stripped"
    [ "$("$r/bin/recovc" --version | sed -n 's/^recovc \([0-9.]*\) .*/\1/p')" = "$ver" ] || fail "$name: recovc --version"
    grep -q "recov $ver" "$r/share/man/man1/recovc.1" || fail "$name: man page version"
    grep -q "Version: $ver" "$r/lib/pkgconfig/recov.pc" || fail "$name: recov.pc version"
    grep -q "PACKAGE_VERSION \"$ver\"" "$r/lib/cmake/recov/recovConfigVersion.cmake" || fail "$name: CMake package version"
    for f in LICENSE README.md spec/language.md spec/generated-api.md spec/diagnostics.schema.json docs/tutorial.md; do
        [ -s "$r/share/doc/recov/$f" ] || fail "$name: no doc $f"
    done
    # installed files point only at installed files: the man page's SEE ALSO
    # and the generated header's API comment
    local seen=0
    for f in $(sed -n '/^\.SH SEE ALSO/,$p' "$r/share/man/man1/recovc.1" | grep -o '[a-z]*/[a-z_-]*\.md\|README\.md'); do
        [ -s "$r/share/doc/recov/$f" ] || fail "$name: the man page names $f, which is not installed"
        seen=$((seen + 1))
    done
    [ $seen -ge 5 ] || fail "$name: the man page's SEE ALSO names $seen documents"
    seen=0
    for f in $(sed -n '/^\.SH FILES/,/^\.SH SEE ALSO/p' "$r/share/man/man1/recovc.1" | sed -n 's/^\.I \([a-z].*\)$/\1/p'); do
        [ -e "$r/$f" ] || fail "$name: the man page's FILES names $f, which is not installed"
        seen=$((seen + 1))
    done
    [ $seen = 5 ] || fail "$name: the man page's FILES names $seen paths, not 5"
    mkdir -p "$w/$name-out"
    env -u RECOV_RUNTIME "$r/bin/recovc" compile "$src/examples/agent_call/agent_call.recov" -o "$w/$name-out" \
        || fail "$name: compile"
    cc -std=c99 -Wall -Werror -c -I "$r/include" -I "$w/$name-out" "$w/$name-out/agent_call.c" -o "$w/$name-out/p.o" \
        || fail "$name: the generated C does not build against the packaged headers"
    grep -q 'API: share/doc/recov/spec/generated-api.md and checkpoint.md' "$w/$name-out/agent_call.h" \
        || fail "$name: the generated header's API comment"
    for f in generated-api.md checkpoint.md; do
        [ -s "$r/share/doc/recov/spec/$f" ] || fail "$name: the generated header names spec/$f, which is not installed"
    done
    env -u RECOV_RUNTIME "$r/bin/recovc" test --via c "$src/tests/e2e/agent_call.rtest" >"$w/log" 2>&1 \
        || { cat "$w/log"; fail "$name: test --via c with the packaged runtime"; }
}
mkdir "$w/tgz"; tar -C "$w/tgz" -xzf "$tgz"
check_tree "$(ls -d "$w"/tgz/recov-*)" tgz
mkdir "$w/deb"; dpkg-deb -x "$deb" "$w/deb"
check_tree "$w/deb/usr" deb

# ---- the .deb installed by dpkg into a fresh root ------------------------------
# A root of its own whose dpkg database knows the build machine's packages (so
# the .deb's Depends are checked against a real Debian package set, offline);
# then two consumer projects build against what dpkg put there, and removing
# the package leaves no file behind.
root=$w/root
mkdir -p "$root/var/lib/dpkg/info" "$root/var/lib/dpkg/updates" "$root/var/lib/dpkg/triggers"
cp /var/lib/dpkg/status "$root/var/lib/dpkg/status"; : >"$root/var/lib/dpkg/available"
dpkg --root="$root" --log=/dev/null -i "$deb" >"$w/log" 2>&1 || { cat "$w/log"; fail "dpkg -i into a fresh root"; }
dpkg --root="$root" -s recov | grep -q "^Status: install ok installed" || fail "dpkg: recov not installed in the root"
dpkg --root="$root" -L recov | grep -q "^/usr/bin/recovc$" || fail "dpkg -L: no /usr/bin/recovc"
export PATH="$root/usr/bin:$PATH" PKG_CONFIG_PATH="$root/usr/lib/pkgconfig"
[ "$(command -v recovc)" = "$root/usr/bin/recovc" ] || fail "dpkg root: recovc not first on PATH"
cp -r "$src/tests/buildsys/consumer_cmake" "$w/dcm"
cmake -S "$w/dcm" -B "$w/dcm/b" -G Ninja -DCMAKE_PREFIX_PATH="$root/usr" >"$w/log" 2>&1 \
    || { cat "$w/log"; fail "dpkg root: cmake consumer configure"; }
grep -q "recov_DIR:PATH=$root/usr/lib/cmake/recov" "$w/dcm/b/CMakeCache.txt" || fail "dpkg root: another recov package was found"
cmake --build "$w/dcm/b" >"$w/log" 2>&1 || { cat "$w/log"; fail "dpkg root: cmake consumer build"; }
"$w/dcm/b/sensor" >/dev/null || fail "dpkg root: cmake consumer's program"
cp -r "$src/tests/buildsys/consumer_make" "$w/dmk"
[ "$(realpath "$(pkg-config --variable=recovc recov)")" = "$root/usr/bin/recovc" ] || fail "dpkg root: pkg-config recovc"
make -s -C "$w/dmk" >"$w/log" 2>&1 || { cat "$w/log"; fail "dpkg root: make consumer"; }
"$w/dmk/sensor" >/dev/null || fail "dpkg root: make consumer's program"
dpkg --root="$root" --log=/dev/null -r recov >"$w/log" 2>&1 || { cat "$w/log"; fail "dpkg -r"; }
left=$(find "$root" -path "$root/var" -prune -o -type f -print | head -3)
[ -z "$left" ] || fail "dpkg -r left files behind: $left"
echo "package $ver: all passed"
