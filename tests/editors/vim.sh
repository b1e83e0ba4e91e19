#!/usr/bin/env bash
# vim.sh VIM KWPOS SRC - editors.vim: editors/vim/ loads in `vim -Nu NONE -es`
# without an error, and in every .recov file of the source tree every keyword
# the lexer finds (KWPOS: tests/editors/kwpos.c) has the group recovKeyword and
# no identifier has it.
set -euo pipefail
vim=$1
kwpos=$2
src=$(cd "$3" && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$src"
bash tests/editors/files.sh > "$work/files"
xargs -a "$work/files" "$kwpos" > "$work/tokens"
grep -q "$(printf '\tK\t')" "$work/tokens" || { echo "vim.sh: kwpos found no keyword"; exit 1; }
rc=0
"$vim" -Nu NONE -i NONE -es \
  --cmd "set rtp^=$src/editors/vim" \
  --cmd "let g:tokens = '$work/tokens' | let g:result = '$work/result'" \
  -c 'filetype plugin on' -c 'syntax on' \
  -S "$src/tests/editors/check.vim" </dev/null || rc=$?
if [ ! -s "$work/result" ]; then
  echo "vim.sh: vim exited with $rc and wrote no result"
  exit 1
fi
cat "$work/result"
exit $rc
