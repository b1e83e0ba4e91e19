#!/bin/bash
# count.sh DIR MIN - every scenario of DIR/*.rtest names its source
# ("resilience4j X.y", "polly X.y", "stepfunctions docs ...", "envoy X.y"),
# there are at least MIN of them, and every source test is listed in
# DIR/README.md.
set -u
dir=$1; min=$2; bad=0
names=$(grep -h '^scenario "' "$dir"/*.rtest | sed 's/^scenario "\(.*\)"$/\1/')
n=$(printf '%s\n' "$names" | grep -c .)
while IFS= read -r s; do
  if ! printf '%s' "$s" | grep -Eq '^(resilience4j|polly|envoy) [A-Za-z0-9]+\.[A-Za-z_0-9]+|^(resilience4j|polly) [A-Za-z0-9]+[ :]|^stepfunctions docs '; then
    echo "count.sh: scenario does not name its source: $s"; bad=1
  fi
  if printf '%s' "$s" | grep -Eq '^(resilience4j|polly|envoy) [A-Za-z0-9]+\.'; then
    t=$(printf '%s' "$s" | sed -E 's/^[a-z0-9]+ ([A-Za-z0-9]+\.[A-Za-z_0-9]+).*/\1/')
    grep -qF "$t" "$dir/README.md" || { echo "count.sh: $t is not in README.md"; bad=1; }
  fi
done <<< "$names"
if [ "$n" -lt "$min" ]; then echo "count.sh: $n scenarios, fewer than $min"; bad=1; fi
[ $bad = 0 ] && echo "count.sh: $n scenarios, each naming its source"
exit $bad
