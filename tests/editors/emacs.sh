#!/usr/bin/env bash
# emacs.sh EMACS KWPOS SRC - editors.emacs: editors/emacs/recov-mode.el
# byte-compiles without a warning and loads in `emacs --batch`, and in every
# .recov file of the source tree every keyword the lexer finds (KWPOS:
# tests/editors/kwpos.c) is fontified with font-lock-keyword-face and no
# identifier is.
set -euo pipefail
emacs=$1
kwpos=$2
src=$(cd "$3" && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$src"
bash tests/editors/files.sh > "$work/files"
xargs -a "$work/files" "$kwpos" > "$work/tokens"
grep -q "$(printf '\tK\t')" "$work/tokens" || { echo "emacs.sh: kwpos found no keyword"; exit 1; }
# it byte-compiles without a warning
cp "$src/editors/emacs/recov-mode.el" "$work/"
"$emacs" --batch -Q --eval '(setq byte-compile-error-on-warn t)' -f batch-byte-compile "$work/recov-mode.el"
"$emacs" --batch -Q -L "$src/editors/emacs" -l "$src/tests/editors/check.el" \
  --eval "(recov-check-tokens \"$work/tokens\")"
