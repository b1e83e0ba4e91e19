#!/usr/bin/env bash
# build_arm.sh RECOVC SOURCE_DIR ARM_GCC ARM_SIZE - compiles the modem driver,
# its generated policy and the recov runtime for a Cortex-M4 (freestanding,
# -Os, warnings are errors) and prints the section sizes.  The policy's
# headers are read by clang for the same target (--target/--sysroot).
set -euo pipefail
recovc=$1; src=$2; gcc=$3; size=$4
ex=$src/examples/modem_firmware
w=$(mktemp -d); trap 'rm -rf "$w"' EXIT
sysroot=$($gcc -print-sysroot 2>/dev/null || true)
[ -d "$sysroot/include" ] || sysroot=/usr/lib/arm-none-eabi
"$recovc" compile "$ex/modem_policy.recov" -o "$w" --target arm-none-eabi --sysroot "$sysroot" -MD
grep -q "modem.h" "$w/modem_policy.d"
flags=(-mcpu=cortex-m4 -mthumb -Os -ffreestanding -std=c99 -Wall -Wextra -Wpedantic -Wconversion -Werror
       -ffunction-sections -fdata-sections -I"$ex" -I"$w" -I"$src/runtime/include")
objs=()
for f in "$ex/modem.c" "$w/modem_policy.c" "$src"/runtime/src/*.c; do
    o=$w/$(basename "${f%.c}").o
    "$gcc" "${flags[@]}" -c "$f" -o "$o"
    objs+=("$o")
done
"$size" -t "${objs[@]}" | sed "s|$w/||; s|$src/||"
# the policy and its runtime must fit a small MCU: text under 16 KiB, no data
total=$("$size" -t "${objs[@]}" | awk 'END { print $1 + $2 }')
echo "text+data: $total bytes"
[ "$total" -lt 16384 ]
