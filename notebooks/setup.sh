#!/usr/bin/env bash
# setup.sh connects a GoNB notebook to this repository. The first cell of every notebook
# runs it:   !*"$GONB_DIR/setup.sh"
# GoNB compiles each cell in a scratch module ($GONB_TMP_DIR, where `!*` commands run).
# This script makes that module require github.com/d2l-go/d2l-go, replaced by this
# checkout (plus the modules the repository requires, at its versions), and gives it the repository's go.sum so that `go get` (run by GoNB on every
# cell) resolves d2l's dependencies from the module cache. It prints nothing on success
# and fails loudly (a message and a non-zero exit status) otherwise.
set -euo pipefail
module=github.com/d2l-go/d2l-go
fail() {
	echo "d2l-go setup FAILED: $*" >&2
	exit 1
}
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd) || fail "cannot find the repository from $0"
grep -qx "module $module" "$root/go.mod" 2>/dev/null || fail "$root/go.mod is not module $module"
[[ -n ${GONB_TMP_DIR:-} && -f $GONB_TMP_DIR/go.mod ]] ||
	fail "GONB_TMP_DIR is unset or has no go.mod: run this from a GoNB cell as !*\"\$GONB_DIR/setup.sh\""
cd "$GONB_TMP_DIR"
# Require d2l-go (replaced by this checkout) and, at the repository's versions, every module of
# its build list (what `go list -m all` selects for the repository, as Go itself resolves it),
# so that cells build against exactly the versions d2l is tested with.
requires=$(go -C "$root" list -mod=readonly -m -f '{{if not .Main}}-require={{.Path}}@{{.Version}}{{end}}' all) ||
	fail "go list -m all in $root"
# shellcheck disable=SC2086 # one word per requirement
go mod edit -require="$module@v0.0.0-00010101000000-000000000000" -replace="$module=$root" $requires ||
	fail "go mod edit in $GONB_TMP_DIR"
cp "$root/go.sum" go.sum || fail "cannot copy $root/go.sum"
dir=$(go list -m -f '{{.Replace.Dir}}' "$module") || fail "go list -m $module"
[[ $dir == "$root" ]] || fail "$module resolves to '$dir', want $root"
