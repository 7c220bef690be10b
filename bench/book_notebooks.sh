#!/bin/sh
# Notebooks 6.2-6.5 executed headless, the book's PyTorch ones and d2l-go's, alternately in the
# same run, one notebook at a time; prints each side's seconds per notebook and in all.
#
#   sh bench/book_notebooks.sh D2L_ZH_DIR [ROUNDS]
#
# D2L_ZH_DIR is a checkout of github.com/d2l-ai/d2l-zh (its Markdown sources and d2l package;
# bench/book_notebooks.py turns them into notebooks). PyTorch runs on Debian's /usr/bin/python3
# through Jupyter's "python3" kernel, with OpenBLAS's AVX-512 kernels; the book's d2l package
# needs python3-torchvision, python3-pandas and python3-matplotlib (apt). d2l-go runs
# `d2l notebooks -times -j 1 -setup=false 6.2 6.3 6.4 6.5` (GoNB kernel, as the tests).
set -eu
src=${1:?usage: sh bench/book_notebooks.sh D2L_ZH_DIR [ROUNDS]}
rounds=${2:-2}
cd "$(dirname "$0")/.."
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
/usr/bin/python3 bench/book_notebooks.py "$src" "$tmp/book" >/dev/null
export GOTOOLCHAIN=${GOTOOLCHAIN:-go1.27.3} # go.mod's toolchain (the README's export)
go build -o "$tmp/d2l" ./cmd/d2l
now() { date +%s.%N; }
echo "# $(date -u '+%Y-%m-%d %H:%M UTC'); load average $(cut -d' ' -f1-3 /proc/loadavg)"
for r in $(seq "$rounds"); do
  t0=$(now)
  "$tmp/d2l" notebooks -times -j 1 -setup=false 6.2 6.3 6.4 6.5 2>&1 | grep '^OK\|^FAIL\|cells,'
  echo "d2l-go round $r: $(awk -v a="$(now)" -v b="$t0" 'BEGIN { printf "%.1f", a - b }') s"
  t0=$(now)
  for nb in conv-layer padding-and-strides channels pooling; do
    t1=$(now)
    (cd "$tmp/book" && OPENBLAS_CORETYPE=Cooperlake jupyter nbconvert --to notebook --execute \
      --output "out-$nb.ipynb" "$nb.ipynb" >/dev/null 2>&1) || echo "FAIL $nb"
    grep -q '"output_type": "error"' "$tmp/book/out-$nb.ipynb" && echo "FAIL $nb (a cell raised)"
    echo "  PyTorch $nb: $(awk -v a="$(now)" -v b="$t1" 'BEGIN { printf "%.1f", a - b }') s"
  done
  echo "PyTorch round $r: $(awk -v a="$(now)" -v b="$t0" 'BEGIN { printf "%.1f", a - b }') s"
done
echo "# load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
