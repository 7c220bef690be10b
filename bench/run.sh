#!/usr/bin/env bash
# Side-by-side benchmark: PyTorch (Debian's /usr/bin/python3, torch 1.13, CPU, 2 threads, OpenBLAS
# with its AVX-512 kernels) and d2l-go on each available backend, one after the other in the same
# run, on the same shapes. Prints one Markdown table per backend (median times, ratios d2l /
# PyTorch of wall and CPU time, the command of each row) for bench/README.md.
#
#   bench/run.sh                 # all cases, ~1 s per case and backend (pure Go's 3x3 conv: longer),
#                                # each case in a fresh process
#   SECONDS_PER_CASE=3 bench/run.sh
#   CASES=conv1_fwdbwd,lenet_step256 bench/run.sh
#
# Backends: "pure Go + simd" (built with GOEXPERIMENT=simd: compute's AVX2/AVX-512 kernels, the
# project's default build), "pure Go" (the same without GOEXPERIMENT), "ONNX Runtime" (linked
# into both; measured with the default build; only if libonnxruntime.so.1 is installed:
# `go run ./cmd/d2l setup`). The machine is shared and noisy: compare ratios of one run, and the
# CPU ratio where other jobs ran.
set -euo pipefail
cd "$(dirname "$0")/.."
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
secs=${SECONDS_PER_CASE:-1}
# PyTorch's OpenMP threads suffer badly when other processes compete for the 2 cores (its
# times rise 10-20x, ours 2-5x), so by default wait up to WAIT_QUIET seconds for the 1-minute
# load average to fall below 1.5.
wait_quiet=${WAIT_QUIET:-600}
for ((i = 0; i < wait_quiet; i += 15)); do
  awk '{exit !($1 < 1.5)}' /proc/loadavg && break
  [ "$i" = 0 ] && echo "# waiting for a quiet machine (load average $(cut -d' ' -f1 /proc/loadavg)); WAIT_QUIET=0 skips" >&2
  sleep 15
done
cases=${CASES:-conv1_fwd,conv1_fwdbwd,conv2_fwd,conv2_fwdbwd,conv3x3_fwd,maxpool_fwdbwd,avgpool_fwdbwd,lenet_step256,eager_conv1_256,eager_conv2_256,eager_maxpool_256,eager_avgpool_256}
threads=${TORCH_THREADS:-2}

export GOTOOLCHAIN=${GOTOOLCHAIN:-go1.27.3} # go.mod's toolchain (the README's export)
echo "# $(date -u '+%Y-%m-%d %H:%M UTC'); $(lscpu | sed -n 's/^Model name: *//p' | head -1), $(nproc) CPUs; load average $(cut -d' ' -f1-3 /proc/loadavg)" >&2
GOEXPERIMENT= go build -o "$out/bench-go" ./bench
GOEXPERIMENT=simd go build -o "$out/bench-simd" ./bench 2>/dev/null || {
  echo "# GOEXPERIMENT=simd build failed: skipping pure Go + simd, ONNX Runtime from the plain build" >&2
  rm -f "$out/bench-simd"
}
cols=()
# per_case CMD...: runs CMD -cases C (or, for the PyTorch script, with C as its last argument)
# once per case, each in a fresh process: one case's heap and caches otherwise slow the next
# (after the pure-Go 3x3 convolution, the pure-Go pooling cases ran 2-5x slower in one process).
per_case() {
  local c flag=-cases
  if [ "$1" = torch ]; then
    flag=
    shift
  fi
  for c in ${cases//,/ }; do
    "$@" ${flag:+"$flag"} "$c"
  done
}
if [ -x /usr/bin/python3 ] && /usr/bin/python3 -c 'import torch' 2>/dev/null; then
  echo "# PyTorch $(/usr/bin/python3 -c 'import torch; print(torch.__version__)'), $threads threads" >&2
  # Twice: OpenMP's default (spinning) wait policy and the passive one, which suffers much less
  # when other processes compete for the cores; the table keeps the faster run of each case.
  # Each twice more: all cases in one process, and each case in a fresh one (some of PyTorch's
  # convolutions are much faster after other cases have run in the process: conv2 0.13 against
  # 2.05 ms). The table keeps PyTorch's fastest of the four runs of each case.
  export OPENBLAS_CORETYPE=Cooperlake
  /usr/bin/python3 bench/torch_bench.py "$threads" "$secs" "$cases" >"$out/torch-spin.jsonl"
  OMP_WAIT_POLICY=PASSIVE /usr/bin/python3 bench/torch_bench.py "$threads" "$secs" "$cases" >"$out/torch-passive.jsonl"
  per_case torch /usr/bin/python3 bench/torch_bench.py "$threads" "$secs" >"$out/torch-spin1.jsonl"
  OMP_WAIT_POLICY=PASSIVE per_case torch /usr/bin/python3 bench/torch_bench.py "$threads" "$secs" >"$out/torch-passive1.jsonl"
  unset OPENBLAS_CORETYPE
  cat "$out"/torch-*.jsonl >"$out/torch.jsonl"
else
  echo "bench/run.sh: /usr/bin/python3 with torch is missing (Debian: apt-get install python3-torch)" >&2
  exit 1
fi
default="$out/bench-go"
if [ -x "$out/bench-simd" ]; then
  default="$out/bench-simd"
  echo "# pure Go + simd" >&2
  per_case "$out/bench-simd" -backend go -seconds "$secs" >"$out/simd.jsonl"
  cols+=("pure Go + simd=$out/simd.jsonl")
fi
echo "# pure Go" >&2
per_case "$out/bench-go" -backend go -seconds "$secs" >"$out/go.jsonl"
cols+=("pure Go without simd=$out/go.jsonl")
echo "# onnx" >&2
if per_case "$default" -backend onnx -seconds "$secs" >"$out/onnx.jsonl" 2>"$out/onnx.err"; then
  cols+=("ONNX Runtime=$out/onnx.jsonl")
else
  echo "# onnx skipped: $(tail -1 "$out/onnx.err")" >&2
fi
echo "# load average after: $(cut -d' ' -f1-3 /proc/loadavg)" >&2
"$out/bench-go" -table "$out/torch.jsonl" "${cols[@]}"
