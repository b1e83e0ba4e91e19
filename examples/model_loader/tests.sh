#!/usr/bin/env bash
# tests.sh MODEL_LOADER CASE - runs the model loader on real files in a fresh
# folder and compares its whole output (decisions, file work, metrics) with
# the expected text.  The policy's delays run 100x (or 1000x) faster on a
# clock that counts them in full, so decisions are exact on a loaded machine;
# waiting for the user is real time (stdin is given, or is at its end).
set -euo pipefail
M=$(realpath "$1"); case=$2
w=$(mktemp -d); trap 'rm -rf "$w"' EXIT; cd "$w"
mkdir models mirror cache
pack() { "$M" pack "$@"; }
load() { "$M" load --models models --mirror mirror --model base --time-scale 100 "$@"; }
check() {   # check EXPECTED_RC  (expected output on stdin, actual in out)
    local want; want=$(cat)
    if [[ "$rc" != "$1" ]] || [[ "$(cat out)" != "$want" ]]; then
        echo "exit $rc (expected $1)"; diff -u <(echo "$want") out || true; exit 1
    fi
    echo "ok: $case"
}
pack mirror/base.model 1 100 "weights-v1"
pack mirror/base-compat.model 1 100 "compat"
pack mirror/base-lite.model 1 20 "lite"
rc=0
case $case in
download)   # missing locally: downloaded; mirror lacks it: retry 1 s, 2 s, then a compatible model
    load >out || rc=$?
    check 0 <<'X'
load 1: base
  downloaded base (32 bytes)
  loaded base version 1 (32 bytes, batch 8, steps 50)
result loaded base
X
    rm models/base.model mirror/base.model
    start=$(date +%s%N)
    load >out || rc=$?
    elapsed=$(( ($(date +%s%N) - start) / 1000000 ))
    (( elapsed >= 30 )) || { echo "retries took $elapsed ms, expected >= 30 (3000 ms / 100)"; exit 1; }
    check 0 <<'X'
load 1: base
  failed: download failed: http 404 for base
  error model_download_failure (medium), attempt 1
  immediate_retry: retry in 1000 ms
load 2: base
  failed: download failed: http 404 for base
  error model_download_failure (medium), attempt 2
  immediate_retry: retry in 2000 ms
load 3: base
  failed: download failed: http 404 for base
  error model_download_failure (medium), attempt 3
  intelligent_fallback: compatible_model -> base-compat
load 4: base-compat
  downloaded base-compat (28 bytes)
  loaded base-compat version 1 (28 bytes, batch 8, steps 50)
result loaded base-compat
metric immediate_retry attempts=2
metric intelligent_fallback attempts=1 successes=1 rate=100%
X
    ;;
corruption)  # checksum mismatch: re-download repairs it
    pack models/base.model 1 100 "weights-v1"; echo garbage >>models/base.model
    load >out || rc=$?
    check 0 <<'X'
load 1: base
  failed: checksum mismatch in models/base.model: model corrupted
  error model_corruption_detected (high), attempt 1
  automatic_repair: run repair_model (timeout 300000 ms)
  downloaded base (32 bytes)
  handler repair_model ok
  automatic_repair: retry in 0 ms
load 2: base
  loaded base version 1 (32 bytes, batch 8, steps 50)
result loaded base
metric automatic_repair attempts=1 successes=1 rate=100%
X
    ;;
version_mismatch)  # installed v1, need v2: repair fetches v2; a mirror still at v1 -> fallback
    pack models/base.model 1 100 "weights-v1"; pack mirror/base.model 2 100 "weights-v2"
    load --version 2 >out || rc=$?
    check 0 <<'X'
load 1: base
  failed: version mismatch: base has version 1, need 2
  error model_version_mismatch (medium), attempt 1
  automatic_repair: run repair_model (timeout 300000 ms)
  downloaded base (32 bytes)
  handler repair_model ok
  automatic_repair: retry in 0 ms
load 2: base
  loaded base version 2 (32 bytes, batch 8, steps 50)
result loaded base
metric automatic_repair attempts=1 successes=1 rate=100%
X
    ;;
vram)  # batch halved, GPU cache cleared, then the lightweight model
    pack models/base.model 1 100 "weights-v1"
    head -c 102400 /dev/zero >cache/kv.bin
    load --cache cache --vram-kb 350 >out || rc=$?
    [[ ! -e cache/kv.bin ]] || { echo "cache not cleared"; exit 1; }
    check 0 <<'X'
load 1: base
  failed: CUDA out of memory: need 800 KB (batch 8), 250 KB free
  error vram_exhaustion (high), attempt 1
  parameter_adjustment: reduce_batch, retry in 0 ms
  now batch 4, steps 50, timeout 30000 ms, optimize 0
load 2: base
  failed: CUDA out of memory: need 400 KB (batch 4), 250 KB free
  error vram_exhaustion (high), attempt 2
  resource_optimization: run clear_gpu_cache (timeout 5000 ms)
  cleared 100 KB of GPU cache
  handler clear_gpu_cache ok
  resource_optimization: retry in 0 ms
load 3: base
  failed: CUDA out of memory: need 400 KB (batch 4), 350 KB free
  error vram_exhaustion (high), attempt 3
  intelligent_fallback: lightweight_model -> base-lite
load 4: base-lite
  downloaded base-lite (25 bytes)
  loaded base-lite version 1 (25 bytes, batch 4, steps 50)
result loaded base-lite
metric intelligent_fallback attempts=1 successes=1 rate=100%
metric resource_optimization attempts=1 successes=1 rate=100%
X
    ;;
permission)  # file mode 000: chmod repairs it
    pack models/base.model 1 100 "weights-v1"; chmod 000 models/base.model
    load >out || rc=$?
    [[ $(stat -c %a models/base.model) == 644 ]] || { echo "mode not repaired"; exit 1; }
    check 0 <<'X'
load 1: base
  failed: permission denied: models/base.model is not readable by its owner
  error permission_denied (high), attempt 1
  automatic_repair: run fix_permissions (timeout 5000 ms)
  handler fix_permissions ok
  automatic_repair: retry in 0 ms
load 2: base
  loaded base version 1 (32 bytes, batch 8, steps 50)
result loaded base
metric automatic_repair attempts=1 successes=1 rate=100%
X
    ;;
storage)  # quota full of a stale partial download: freed, then the download fits
    head -c 40960 /dev/zero >models/old.model.part
    load --quota-kb 20 >out || rc=$?
    check 0 <<'X'
load 1: base
  failed: no space left on device: base needs 1 KB, quota 20 KB
  error storage_space_insufficient (high), attempt 1
  resource_optimization: run free_storage (timeout 5000 ms)
  freed 40 KB of stale files
  handler free_storage ok
  resource_optimization: retry in 0 ms
load 2: base
  downloaded base (32 bytes)
  loaded base version 1 (32 bytes, batch 8, steps 50)
result loaded base
metric resource_optimization attempts=1 successes=1 rate=100%
X
    ;;
invalid_parameters)
    pack models/base.model 1 100 "weights-v1"
    load --steps 500 >out || rc=$?
    check 0 <<'X'
load 1: base
  failed: invalid parameter steps=500: out of range 1..150
  error invalid_parameters (low), attempt 1
  parameter_adjustment: fix_parameters, retry in 0 ms
  now batch 8, steps 150, timeout 30000 ms, optimize 0
load 2: base
  loaded base version 1 (32 bytes, batch 8, steps 150)
result loaded base
X
    ;;
network_loss)  # retried twice, then offline mode (exit 3)
    pack models/base.model 1 100 "weights-v1"
    load --fail "network unreachable" --fail "network unreachable" --fail "connection lost" >out || rc=$?
    check 3 <<'X'
load 1: base
  failed: network unreachable
  error network_connectivity_loss (medium), attempt 1
  immediate_retry: retry in 1000 ms
load 2: base
  failed: network unreachable
  error network_connectivity_loss (medium), attempt 2
  immediate_retry: retry in 2000 ms
load 3: base
  failed: connection lost
  error network_connectivity_loss (medium), attempt 3
  graceful_degradation: offline_mode
result degraded offline_mode
metric immediate_retry attempts=2
metric graceful_degradation attempts=1
X
    ;;
user_intervention)  # dependency missing: the user is shown the steps and answers on stdin
    pack models/base.model 1 100 "weights-v1"
    echo done | load --fail "No module named 'torch'" >out || rc=$?
    check 0 <<'X'
load 1: base
  failed: No module named 'torch'
  error dependency_missing (critical), attempt 1
  user_intervention: run user_intervention (timeout 300000 ms)
  message: A required dependency is missing.
  hint: The dependency must be installed.
  step 1: Install the missing package.
  step 2: Restart the service.
  type 'done' when fixed (waiting up to 300000 ms): 
  handler user_intervention ok
  user_intervention: retry in 0 ms
load 2: base
  loaded base version 1 (32 bytes, batch 8, steps 50)
result loaded base
metric user_intervention attempts=1 successes=1 rate=100%
X
    load --fail "No module named 'torch'" </dev/null >out || rc=$?
    check 4 <<'X'
load 1: base
  failed: No module named 'torch'
  error dependency_missing (critical), attempt 1
  user_intervention: run user_intervention (timeout 300000 ms)
  message: A required dependency is missing.
  hint: The dependency must be installed.
  step 1: Install the missing package.
  step 2: Restart the service.
  type 'done' when fixed (waiting up to 300000 ms): 
  handler user_intervention failed
  recovery failed after 1 attempts: escalate to oncall (SLA 900000 ms)
  message: A required dependency is missing.
  hint: The dependency must be installed.
  step 1: Install the missing package.
  step 2: Restart the service.
result escalated oncall
metric user_intervention attempts=1 successes=0 rate=0%
X
    ;;
max_attempts)  # 3 automatic attempts, user intervention on the 4th and 5th, the 6th failure gives up
    pack models/base.model 1 100 "weights-v1"
    f=(); for i in 1 2 3 4 5 6; do f+=(--fail "pipeline crashed"); done
    printf 'done\ndone\n' | load "${f[@]}" >out || rc=$?
    grep -E '^(load|  error|  (immediate_retry|intelligent_fallback|automatic_repair|parameter_adjustment|resource_optimization|user_intervention|graceful_degradation): |  handler|result|metric)' out >trace; mv trace out
    check 4 <<'X'
load 1: base
  error generation_pipeline_error (high), attempt 1
  immediate_retry: retry in 1000 ms
load 2: base
  error generation_pipeline_error (high), attempt 2
  immediate_retry: retry in 2000 ms
load 3: base
  error generation_pipeline_error (high), attempt 3
  intelligent_fallback: compatible_model -> base-compat
load 4: base-compat
  error generation_pipeline_error (high), attempt 4
  user_intervention: run user_intervention (timeout 300000 ms)
  handler user_intervention ok
  user_intervention: retry in 0 ms
load 5: base-compat
  error generation_pipeline_error (high), attempt 5
  user_intervention: run user_intervention (timeout 300000 ms)
  handler user_intervention ok
  user_intervention: retry in 0 ms
load 6: base-compat
  error generation_pipeline_error (high), attempt 6
result escalated support
metric immediate_retry attempts=2
metric intelligent_fallback attempts=1 successes=0 rate=0%
metric user_intervention attempts=2 successes=2 rate=100%
X
    ;;
limits)  # the policy's parameters from the command line: 6 attempts, user timeout 60 s
    pack models/base.model 1 100 "weights-v1"
    f=(); for i in 1 2 3 4 5 6 7; do f+=(--fail "pipeline crashed"); done
    printf 'done\ndone\n' | load --max-attempts 6 --user-timeout 60000 "${f[@]}" >out || rc=$?
    grep -E '^(load|  error|  (immediate_retry|intelligent_fallback|automatic_repair|parameter_adjustment|resource_optimization|user_intervention|graceful_degradation): |  handler|result|metric)' out >trace; mv trace out
    check 4 <<'X'
load 1: base
  error generation_pipeline_error (high), attempt 1
  immediate_retry: retry in 1000 ms
load 2: base
  error generation_pipeline_error (high), attempt 2
  immediate_retry: retry in 2000 ms
load 3: base
  error generation_pipeline_error (high), attempt 3
  intelligent_fallback: compatible_model -> base-compat
load 4: base-compat
  error generation_pipeline_error (high), attempt 4
  user_intervention: run user_intervention (timeout 60000 ms)
  handler user_intervention ok
  user_intervention: retry in 0 ms
load 5: base-compat
  error generation_pipeline_error (high), attempt 5
  user_intervention: run user_intervention (timeout 60000 ms)
  handler user_intervention ok
  user_intervention: retry in 0 ms
load 6: base-compat
  error generation_pipeline_error (high), attempt 6
  intelligent_fallback: lightweight_model -> base-lite
load 7: base-lite
  error generation_pipeline_error (high), attempt 7
result escalated support
metric immediate_retry attempts=2
metric intelligent_fallback attempts=2 successes=0 rate=0%
metric user_intervention attempts=2 successes=2 rate=100%
X
    # below the declared range: refused before any load
    rc=0; load --max-attempts 4 >out 2>err || rc=$?
    [[ $rc == 2 ]] && grep -q 'max_attempts is outside the range' err || { echo "max-attempts 4 not refused (exit $rc)"; exit 1; }
    rc=0; load --user-timeout 1000 >out 2>err || rc=$?
    [[ $rc == 2 ]] && grep -q 'user_timeout is outside the range' err || { echo "user-timeout 1000 not refused (exit $rc)"; exit 1; }
    ;;
deadline)  # each load takes 200 s: past the 300 s recovery timeout the GPU steps are skipped
    pack models/base.model 1 100 "weights-v1"
    head -c 102400 /dev/zero >cache/kv.bin
    load --cache cache --vram-kb 350 --load-ms 200000 --time-scale 1000 >out || rc=$?
    grep -E '^(load|  error|  (immediate_retry|intelligent_fallback|automatic_repair|parameter_adjustment|resource_optimization|user_intervention|graceful_degradation): |  handler|result)' out >trace; mv trace out
    check 3 <<'X'
load 1: base
  error vram_exhaustion (high), attempt 1
  parameter_adjustment: reduce_batch, retry in 0 ms
load 2: base
  error vram_exhaustion (high), attempt 2
  resource_optimization: run clear_gpu_cache (timeout 5000 ms)
  handler clear_gpu_cache ok
  resource_optimization: retry in 0 ms
load 3: base
  error vram_exhaustion (high), attempt 3
  graceful_degradation: mock_generation
result degraded mock_generation
X
    ;;
messages)  # the user-facing tables: 17 failure types, each with message, hint and steps
    "$M" messages >out
    [[ $(grep -c '^[a-z_]*$' out) == 17 ]] || { echo "expected 17 failure types"; cat out; exit 1; }
    [[ $(grep -c '^  message: ' out) == 17 && $(grep -c '^  hint: ' out) == 17 ]] || { echo "missing texts"; exit 1; }
    grep -A4 '^vram_exhaustion$' out >o2; mv o2 out
    check 0 <<'X'
vram_exhaustion
  message: Not enough GPU memory to load the model.
  hint: Settings are lowered and GPU caches cleared automatically.
  step 1: Reduce the batch size or resolution.
  step 2: Close other programs using the GPU.
X
    ;;
all_types)  # each failure type: its classification, severity and first strategy
    pack models/base.model 1 100 "weights-v1"
    while IFS='|' read -r msg want; do
        echo done | load --fail "$msg" >o || true
        got=$(sed -n '3,4p' o | sed 's/^  //; s/ (timeout.*//; s/, retry in.*//; s/ -> .*//' | tr '\n' ' ')
        [[ "$got" == "$want " ]] || { echo "'$msg': got '$got', expected '$want'"; exit 1; }
    done <<'X'
download failed: HTTP 503|error model_download_failure (medium), attempt 1 immediate_retry: retry in 1000 ms
checksum mismatch|error model_corruption_detected (high), attempt 1 automatic_repair: run repair_model
version mismatch: have 1|error model_version_mismatch (medium), attempt 1 automatic_repair: run repair_model
model load timed out after 30s|error model_loading_timeout (medium), attempt 1 parameter_adjustment: increase_timeout
integrity check failed|error model_integrity_failure (high), attempt 1 automatic_repair: run repair_model
model is incompatible with runtime 3|error model_compatibility_error (high), attempt 1 intelligent_fallback: compatible_model
CUDA out of memory|error vram_exhaustion (high), attempt 1 parameter_adjustment: reduce_batch
No space left on device|error storage_space_insufficient (high), attempt 1 resource_optimization: run free_storage
network unreachable|error network_connectivity_loss (medium), attempt 1 immediate_retry: retry in 1000 ms
bandwidth below 1 MB/s|error bandwidth_limitation (low), attempt 1 immediate_retry: retry in 1000 ms
xformers optimization failed|error hardware_optimization_failure (low), attempt 1 parameter_adjustment: disable_optimizations
pipeline step 3 crashed|error generation_pipeline_error (high), attempt 1 immediate_retry: retry in 1000 ms
out of memory (host)|error system_resource_error (critical), attempt 1 resource_optimization: run clear_gpu_cache
No module named 'diffusers'|error dependency_missing (critical), attempt 1 user_intervention: run user_intervention
invalid parameter cfg=99|error invalid_parameters (low), attempt 1 parameter_adjustment: fix_parameters
operation not supported: img2vid|error unsupported_operation (medium), attempt 1 intelligent_fallback: compatible_model
Permission denied: /models|error permission_denied (high), attempt 1 automatic_repair: run fix_permissions
X
    echo "ok: $case (17 failure types)"
    ;;
big_models)  # the checksum covers the whole model: a valid 100 KB model from pack loads,
             # a 5 MB one damaged past the first 64 KB (and in its last byte) is repaired
    pack mirror/base.model 1 100 "$(head -c 102400 /dev/zero | tr '\0' w)"
    load >out || rc=$?
    check 0 <<'X'
load 1: base
  downloaded base (102422 bytes)
  loaded base version 1 (102422 bytes, batch 8, steps 50)
result loaded base
X
    head -c 5242880 /dev/urandom >payload
    pack mirror/base.model 1 100 --payload-file payload
    size=$(stat -c %s mirror/base.model)
    [[ $size == $((5242880 + $(head -1 mirror/base.model | wc -c))) ]] || { echo "packed size $size"; exit 1; }
    for at in 70000 $((size - 1)); do
        cp mirror/base.model models/base.model
        printf '\x55' | dd of=models/base.model bs=1 seek=$at conv=notrunc status=none
        b=$(od -An -tx1 -j $at -N1 mirror/base.model | tr -d ' ')
        [[ $b != 55 ]] || printf '\xaa' | dd of=models/base.model bs=1 seek=$at conv=notrunc status=none
        cmp -s models/base.model mirror/base.model && { echo "byte $at not damaged"; exit 1; }
        load >out || rc=$?
        check 0 <<X
load 1: base
  failed: checksum mismatch in models/base.model: model corrupted
  error model_corruption_detected (high), attempt 1
  automatic_repair: run repair_model (timeout 300000 ms)
  downloaded base ($size bytes)
  handler repair_model ok
  automatic_repair: retry in 0 ms
load 2: base
  loaded base version 1 ($size bytes, batch 8, steps 50)
result loaded base
metric automatic_repair attempts=1 successes=1 rate=100%
X
        cmp -s models/base.model mirror/base.model || { echo "repaired model differs from the mirror"; exit 1; }
    done
    ;;
bad_input)  # headers and options are range checked: a bad header is an integrity failure
            # (repaired from the mirror), a bad option a usage error naming it
    good=$(head -1 mirror/base.model); sum=$(echo "$good" | cut -d' ' -f3)
    while IFS= read -r h; do
        { printf '%s' "$h"; tail -c +$(( ${#good} + 1 )) mirror/base.model; } >models/base.model
        load >out || rc=$?
        [[ $(sed -n 2p out) == "  failed: integrity check failed: bad header in models/base.model" && $(tail -1 out) == "metric automatic_repair attempts=1 successes=1 rate=100%" ]] \
            || { echo "header '$h':"; cat out; exit 1; }
        rc=0
    done <<X
RMODEL 1 $sum 100x
RMODEL 4294967297 $sum 100
RMODEL 1000001 $sum 100
RMODEL -1 $sum 100
RMODEL 1 $sum 1048577
RMODEL 1 $sum 18446744073709551716
RMODEL 1 ${sum}0 100
RMODEL 1 0x${sum:2} 100
RMODEL 1 ${sum^^} 100
RMODEL  1 $sum 100
RMODEL 1 $sum 100 extra
RMODEL 1 $sum 100 $(printf '%070d' 0)
X
    printf 'RMODEL 1 %s 100' "$sum" >models/base.model   # no newline: no header
    load >out || rc=$?
    [[ $(sed -n 2p out) == "  failed: integrity check failed: bad header in models/base.model" ]] || { cat out; exit 1; }
    rc=0
    while read -r opt val range; do
        "$M" load --models models --model base $opt "$val" >out 2>&1 && { echo "$opt $val accepted"; exit 1; }
        grep -qxF "model_loader: $opt: '$val' is not a number in $range" out || { echo "$opt $val:"; cat out; exit 1; }
    done <<'X'
--batch 0 1..65536
--batch 65537 1..65536
--batch 4294967304 1..65536
--steps -1 0..1000000
--time-scale 0 1..1000000
--time-scale 0x64 1..1000000
--seed 4294967296 0..4294967295
--vram-kb 1e3 0..1073741824
--load-ms 86400001 0..86400000
--version +1 0..1000000
X
    pack x.model abc 100 p >out 2>&1 && { echo "pack accepted version abc"; exit 1; }
    grep -qxF "model_loader: pack: VERSION 'abc' is not a number in 0..1000000" out || { cat out; exit 1; }
    pack x.model 1 1048577 p >out 2>&1 && { echo "pack accepted kb 1048577"; exit 1; }
    grep -qxF "model_loader: pack: KB_PER_BATCH '1048577' is not a number in 0..1048576" out || { cat out; exit 1; }
    echo "ok: $case"
    ;;
*) echo "unknown case $case"; exit 2 ;;
esac
