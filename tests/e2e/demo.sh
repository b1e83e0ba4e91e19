#!/usr/bin/env bash
# demo.sh DEMO EXPECTED - the demo's decisions are exactly the expected ones
# (the policy's PRNG is seeded, so jittered delays are reproducible).
set -euo pipefail
diff -u "$2" <("$1")
echo "demo output matches"
