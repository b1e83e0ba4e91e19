#!/usr/bin/env bash
# pre_commit.sh RECOVC SOURCE_DIR - runs the hooks of .pre-commit-hooks.yaml
# with pre-commit itself (try-repo on this source tree) in a scratch git
# repository: a clean, formatted policy passes both hooks; an unformatted
# one fails recovc-fmt; one with a warning fails recovc-check.
set -euo pipefail
R=$(realpath "$1"); src=$(realpath "$2")
w=$(mktemp -d); trap 'rm -rf "$w"' EXIT
fail() { echo "FAILED: $*"; cat "$w/log" 2>/dev/null || true; exit 1; }
export PATH="$(dirname "$R"):$PATH" PRE_COMMIT_HOME="$w/cache" GIT_CONFIG_NOSYSTEM=1 HOME="$w"
git config --global user.email ci@example.invalid; git config --global user.name ci
git config --global init.defaultBranch main; git config --global safe.directory '*'
mkdir "$w/p"; cd "$w/p"; git init -q
# a clean policy, in canonical layout
cat >good.recov <<'X'
policy good version 1;

fault {
    status : u16;
}

class transient retryable;

error busy : transient, low;

classify {
    status == 503 => busy;
    _             => busy;
}

retry again {
    attempts 2;
    backoff constant base 1s;
}

on busy { retry again; abort; }
X
"$R" fmt --check good.recov >/dev/null || { "$R" fmt good.recov | diff good.recov - ; fail "the fixture is not formatted"; }
hook() {  # HOOK FILE: exit status of one hook on one file
    local rc=0
    pre-commit try-repo "$src" "$1" --files "$2" >"$w/log" 2>&1 || rc=$?
    echo $rc
}
git add good.recov
[ "$(hook recovc-fmt good.recov)" = 0 ] || fail "recovc-fmt on a formatted policy"
[ "$(hook recovc-check good.recov)" = 0 ] || fail "recovc-check on a clean policy"
sed 's/^policy good version 1;/policy   good   version 1 ;/' good.recov >ugly.recov
git add ugly.recov
[ "$(hook recovc-fmt ugly.recov)" = 1 ] || fail "recovc-fmt passed an unformatted policy"
grep -q "not formatted" "$w/log" || fail "recovc-fmt did not say why"
sed 's/^retry again {/retry unused { attempts 2; backoff constant base 1s; }\nretry again {/' good.recov >warn.recov
git add warn.recov
[ "$(hook recovc-check warn.recov)" = 1 ] || fail "recovc-check passed a policy with a warning"
grep -q "unused-strategy" "$w/log" || fail "recovc-check did not show the warning"
echo "pre-commit hooks: all passed"
