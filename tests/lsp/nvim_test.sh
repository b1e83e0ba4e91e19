#!/usr/bin/env bash
# nvim_test.sh RECOVC POLICY BROKEN EXPECTED WORKDIR - run nvim_client.lua in
# headless Neovim and compare its report with EXPECTED (exit 77: skipped
# when there is no nvim).
set -uo pipefail
recovc=$1 policy=$2 broken=$3 expected=$4 work=$5
command -v nvim >/dev/null || { echo "nvim not found: skipped"; exit 77; }
here=$(cd "$(dirname "$0")" && pwd)
rm -rf "$work"; mkdir -p "$work"
cp "$policy" "$broken" "$work/"
out=$work/report.txt
HOME=$work XDG_CONFIG_HOME=$work XDG_DATA_HOME=$work XDG_STATE_HOME=$work XDG_CACHE_HOME=$work \
RECOVC=$recovc POLICY=$work/$(basename "$policy") BROKEN=$work/$(basename "$broken") OUT=$out \
  timeout 120 nvim --headless -u NONE -i NONE -n -c "luafile $here/nvim_client.lua" </dev/null >"$work/nvim.log" 2>&1
rc=$?
[ -f "$out" ] || { echo "nvim exited $rc without a report"; cat "$work/nvim.log"; exit 1; }
if ! diff -u "$expected" "$out"; then
  cat "$work/nvim.log"
  exit 1
fi
echo "nvim: $(wc -l <"$out") results as expected (exit $rc)"
[ $rc -eq 0 ]
