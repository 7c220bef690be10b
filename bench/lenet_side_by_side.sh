#!/bin/sh
# LeNet training (section 6.6) with PyTorch on the CPU and with d2l-go, same hyperparameters
# (Xavier init, SGD lr 0.9, batch 256, mean cross-entropy), same machine, one after the other.
# Prints both runs' closing lines, examples/sec and the ratio d2l-go / PyTorch.
#
#   sh bench/lenet_side_by_side.sh                 # full 10 epochs each (minutes)
#   sh bench/lenet_side_by_side.sh --epochs 1 --limit 10240
#
# d2l-go runs d2l's default choice (ONNX Runtime when its library is installed, else pure Go; the
# notice line says which); GOMLX_BACKEND=go forces pure Go. PyTorch uses 2 threads and OpenBLAS's
# AVX-512 kernels (OPENBLAS_CORETYPE=Cooperlake), so the peer runs at its best.
set -eu
cd "$(dirname "$0")/.."
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

echo "== PyTorch $(/usr/bin/python3 -c 'import torch; print(torch.__version__)') (CPU, 2 threads)"
OPENBLAS_CORETYPE=Cooperlake /usr/bin/python3 bench/lenet_torch.py "$@" | tee "$tmp/torch.txt"

echo "== d2l-go${GOMLX_BACKEND:+ (GOMLX_BACKEND=$GOMLX_BACKEND)}"
export GOTOOLCHAIN=${GOTOOLCHAIN:-go1.27.3} # go.mod's toolchain (the README's export)
go build -o "$tmp/d2l" ./cmd/d2l
"$tmp/d2l" train lenet "$@" 2>"$tmp/d2l.err" | tee "$tmp/d2l.txt"
# The progress bar redraws with \r; keep the backend notice and the per-epoch lines.
tr '\r' '\n' <"$tmp/d2l.err" | sed 's/.*\x1b\[K//' | grep -a '^d2l: backend\|^epoch [0-9]*/[0-9]*: loss' || true

t=$(sed -n 's/^\([0-9.]*\) examples\/sec.*/\1/p' "$tmp/torch.txt")
d=$(sed -n 's/^\([0-9.]*\) examples\/sec.*/\1/p' "$tmp/d2l.txt")
echo "== examples/sec: PyTorch $t, d2l-go $d, ratio d2l-go/PyTorch $(awk -v a="$d" -v b="$t" 'BEGIN { printf "%.2f", a / b }')"
