#!/usr/bin/env bash
# setup.sh of the Gradescope autograder that `d2l release -gradescope` writes. Gradescope runs it
# once, as root, when it builds the autograder's image (Ubuntu, with network access), with the
# package unpacked in /autograder/source. It
#   - installs bubblewrap and prlimit (util-linux), the sandbox of the students' code, and curl
#     when Go must be downloaded (apt-get, only what is missing);
#   - uses the Go on PATH or in /usr/local/go when it is at least go@GO_VERSION@ (go.mod's),
#     else installs go@GO_VERSION@ from go.dev into /usr/local/go, checked against its SHA-256;
#   - downloads the Go modules the builds need (go mod download: with GOPROXY=off and a filled
#     module cache it runs offline);
#   - writes /autograder/source/d2l.env (PATH and Go's caches) for run_autograder;
#   - closes /autograder/source to everyone but root (chmod -R go-rwx): the students' code never
#     runs as root, so even outside the sandbox it cannot read the hidden tests or the reference;
#   - grades the reference solutions once (d2l autograde -self-test), in the sandbox that
#     run_autograder will use, which fills the grader's cache (/var/cache/d2l-grader: the
#     prepared snapshot, the vendored dependencies, the rules check and the trusted build
#     cache every submission's build starts from), so that each submission builds in seconds,
#     and fails unless they get full marks.
# Running it again changes nothing. D2L_SANDBOX=bwrap|jail|auto (default auto) chooses the
# sandbox, as for run_autograder.
set -euo pipefail
GO_VERSION=@GO_VERSION@
AG=/autograder
SRC=$AG/source
export HOME=${HOME:-/root}
say() { echo "setup.sh: $*"; }

# go_at_least prints the path of a go, on PATH or in /usr/local/go, at least GO_VERSION.
go_at_least() {
	local g v
	for g in "$(command -v go || true)" /usr/local/go/bin/go; do
		[[ -n $g && -x $g ]] || continue
		v=$(cd / && GOTOOLCHAIN=local "$g" env GOVERSION 2>/dev/null) || continue
		v=${v#go}
		if [[ $(printf '%s\n%s\n' "$GO_VERSION" "$v" | sort -V | head -n1) == "$GO_VERSION" ]]; then
			echo "$g"
			return 0
		fi
	done
	return 1
}

GO=$(go_at_least || true)
missing=()
command -v bwrap >/dev/null || missing+=(bubblewrap)
command -v prlimit >/dev/null || missing+=(util-linux)
if [[ -z $GO ]]; then
	command -v curl >/dev/null || missing+=(curl)
	[[ -e /etc/ssl/certs/ca-certificates.crt ]] || missing+=(ca-certificates)
fi
if ((${#missing[@]})); then
	say "apt-get install ${missing[*]}"
	export DEBIAN_FRONTEND=noninteractive
	apt-get update -q
	apt-get install -y -q --no-install-recommends "${missing[@]}"
fi

if [[ -z $GO ]]; then
	case $(uname -m) in
	x86_64 | amd64) arch=amd64 ;;
	aarch64 | arm64) arch=arm64 ;;
	*) echo "setup.sh: no Go for $(uname -m)" >&2 && exit 1 ;;
	esac
	tgz=go$GO_VERSION.linux-$arch.tar.gz
	say "downloading $tgz"
	tmp=$(mktemp -d)
	curl -fsSL --retry 3 -o "$tmp/$tgz" "https://go.dev/dl/$tgz"
	sum=$(curl -fsSL --retry 3 "https://dl.google.com/go/$tgz.sha256")
	echo "${sum%% *}  $tmp/$tgz" | sha256sum -c --quiet -
	rm -rf /usr/local/go
	tar -C /usr/local -xzf "$tmp/$tgz"
	rm -rf "$tmp"
	GO=/usr/local/go/bin/go
fi
GOBIN_DIR=$(dirname "$GO")
export PATH=$GOBIN_DIR:$PATH GOTOOLCHAIN=local
say "$(go version) ($GO)"

cd "$SRC"
say "go mod download"
go mod download

{
	echo "# written by setup.sh: what run_autograder needs of setup.sh's environment"
	printf 'export PATH=%q:"$PATH"\n' "$GOBIN_DIR"
	printf 'export HOME=%q GOCACHE=%q GOMODCACHE=%q GOTOOLCHAIN=local\n' "$HOME" "$(go env GOCACHE)" "$(go env GOMODCACHE)"
} >"$SRC/d2l.env"

chmod -R go-rwx "$SRC"

say "grading the reference solutions (self-test, fills the build cache)"
"$SRC/bin/d2l" autograde -root "$AG" -self-test -sandbox "${D2L_SANDBOX:-auto}"
say "done"
