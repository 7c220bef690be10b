#!/usr/bin/env bash
# What an unfreed eager result costs: LeNet's conv1 (Conv2d(1, 6, 5, pad 2).Forward on a
# 256x1x28x28 batch) called in a loop exactly as a notebook cell calls it (eager_conv1_256: each
# result dropped, never freed) and with each result freed by FinalizeAll (eager_conv1_256_freed),
# on pure Go and on ONNX Runtime. The runs alternate (case, backend, and build when BASE is set),
# ROUNDS times, each in a fresh process, so that a busy machine slows every column alike.
#
#   bench/unfreed.sh                 # ROUNDS=5 SECONDS_PER_CASE=2
#   BASE=81a50d2 bench/unfreed.sh    # also the library at another revision, built with this
#                                    # revision's bench/main.go (its eager cases only need
#                                    # Layer.Forward and Try)
#
# Prints one line per run, then per build, backend and case the median of the runs' medians
# (ms per call) and the ratio unfreed / freed.
set -euo pipefail
cd "$(dirname "$0")/.."
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
rounds=${ROUNDS:-5}
secs=${SECONDS_PER_CASE:-2}
echo "# $(date -u '+%Y-%m-%d %H:%M UTC'); $(lscpu | sed -n 's/^Model name: *//p' | head -1), $(nproc) CPUs; load average $(cut -d' ' -f1-3 /proc/loadavg)" >&2
builds=(head)
export GOTOOLCHAIN=${GOTOOLCHAIN:-go1.27.3} # go.mod's toolchain (the README's export)
go build -o "$out/bench-head" ./bench
if [ -n "${BASE:-}" ]; then
  mkdir "$out/base"
  git archive "$BASE" | tar -x -C "$out/base"
  cp bench/main.go "$out/base/bench/main.go"
  (cd "$out/base" && go build -o "$out/bench-base" ./bench)
  builds+=(base)
fi
backends=(go)
if "$out/bench-head" -backend onnx -cases eager_conv1_256_freed -seconds 0 >/dev/null 2>&1; then
  backends+=(onnx)
else
  echo "# ONNX Runtime not available: pure Go only (go run ./cmd/d2l setup installs it)" >&2
fi
for ((r = 1; r <= rounds; r++)); do
  for b in "${builds[@]}"; do
    for be in "${backends[@]}"; do
      for c in eager_conv1_256 eager_conv1_256_freed; do
        line=$("$out/bench-$b" -backend "$be" -cases "$c" -seconds "$secs" 2>/dev/null)
        echo "round $r $b $be $line"
        echo "$b $be $line" >>"$out/all"
      done
    done
  done
done
echo "# load average after: $(cut -d' ' -f1-3 /proc/loadavg)" >&2
echo
echo "| build | backend | unfreed ms | freed ms | unfreed / freed |"
echo "|---|---|---:|---:|---:|"
for b in "${builds[@]}"; do
  for be in "${backends[@]}"; do
    med() { grep "^$b $be " "$out/all" | grep "\"case\":\"$1\"" | sed 's/.*"ms":\([0-9.]*\).*/\1/' | sort -g |
      awk '{v[NR] = $1} END {if (NR % 2) print v[(NR + 1) / 2]; else print (v[NR / 2] + v[NR / 2 + 1]) / 2}'; }
    u=$(med eager_conv1_256)
    f=$(med eager_conv1_256_freed)
    awk -v b="$b" -v be="$be" -v u="$u" -v f="$f" 'BEGIN {printf "| %s | %s | %.2f | %.2f | %.2f× |\n", b, be, u, f, u / f}'
  done
done
