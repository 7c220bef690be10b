#!/bin/sh
# Notebooks 6.2-6.5 executed headless, the book's PyTorch ones and d2l-go's, alternately in the
# same run, one notebook at a time; prints each side's seconds per notebook and per round, and the
# ratio d2l-go / PyTorch of their totals.
#
#   sh bench/book_notebooks.sh D2L_ZH_DIR [ROUNDS]
#
# D2L_ZH_DIR is a checkout of github.com/d2l-ai/d2l-zh (its Markdown sources and d2l package;
# bench/book_notebooks.py turns them into notebooks). PyTorch runs on Debian's /usr/bin/python3
# through Jupyter's "python3" kernel, with OpenBLAS's AVX-512 kernels; the book's d2l package
# needs python3-torchvision, python3-pandas and python3-matplotlib (apt). d2l-go runs
# `d2l notebooks -times -j 1 -setup=false 6.2 6.3 6.4 6.5` (GoNB kernel, as the tests; run
# `go run ./cmd/d2l setup` once before). A notebook that fails on either side makes the run
# fail: its time is not a measurement.
set -eu
src=${1:?usage: sh bench/book_notebooks.sh D2L_ZH_DIR [ROUNDS]}
rounds=${2:-2}
cd "$(dirname "$0")/.."
if ! /usr/bin/python3 -c 'import torch, torchvision, pandas, matplotlib' 2>/dev/null; then
  echo "book_notebooks.sh: /usr/bin/python3 lacks torch, torchvision, pandas or matplotlib (the book's d2l package imports them):" >&2
  echo "  apt-get install python3-torch python3-torchvision python3-pandas python3-matplotlib python3-ipykernel" >&2
  exit 1
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
/usr/bin/python3 bench/book_notebooks.py "$src" "$tmp/book" >/dev/null
export GOTOOLCHAIN=${GOTOOLCHAIN:-go1.27.3} # go.mod's toolchain (the README's export)
go build -o "$tmp/d2l" ./cmd/d2l
now() { date +%s.%N; }
since() { awk -v a="$(now)" -v b="$1" 'BEGIN { printf "%.1f", a - b }'; }
echo "# $(date -u '+%Y-%m-%d %H:%M UTC'); $(lscpu | sed -n 's/^Model name: *//p' | head -1), $(nproc) CPUs; load average $(cut -d' ' -f1-3 /proc/loadavg); GOEXPERIMENT=${GOEXPERIMENT:-}"
failed=0
: >"$tmp/totals"
for r in $(seq "$rounds"); do
  t0=$(now)
  if ! "$tmp/d2l" notebooks -times -j 1 -setup=false 6.2 6.3 6.4 6.5 >"$tmp/go.out" 2>&1; then
    failed=1
  fi
  grep '^OK\|^FAIL\|cells,' "$tmp/go.out" || true
  s=$(since "$t0")
  echo "d2l-go round $r: $s s"
  echo "go $s" >>"$tmp/totals"
  t0=$(now)
  for nb in conv-layer padding-and-strides channels pooling; do
    t1=$(now)
    rm -f "$tmp/book/out-$nb.ipynb"
    if ! (cd "$tmp/book" && OPENBLAS_CORETYPE=Cooperlake jupyter nbconvert --to notebook --execute \
      --output "out-$nb.ipynb" "$nb.ipynb" >"$tmp/nbconvert.log" 2>&1); then
      echo "FAIL $nb: $(grep -a 'Error' "$tmp/nbconvert.log" | tail -1)"
      failed=1
    elif grep -q '"output_type": "error"' "$tmp/book/out-$nb.ipynb"; then
      echo "FAIL $nb (a cell raised)"
      failed=1
    fi
    echo "  PyTorch $nb: $(since "$t1") s"
  done
  s=$(since "$t0")
  echo "PyTorch round $r: $s s"
  echo "torch $s" >>"$tmp/totals"
done
echo "# load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
if [ "$failed" != 0 ]; then
  echo "book_notebooks.sh: a notebook failed (above): no ratio" >&2
  exit 1
fi
awk '{s[$1] += $2} END { printf "all rounds: d2l-go %.1f s, PyTorch %.1f s, d2l-go / PyTorch %.2f×\n", s["go"], s["torch"], s["go"] / s["torch"] }' "$tmp/totals"
