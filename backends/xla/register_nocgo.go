//go:build !cgo

package xla

import (
	"errors"

	"github.com/gomlx/compute"
)

// Linked reports whether XLA is linked into this program (it needs cgo).
const Linked = false

// errNoCgo says why XLA cannot run in a program built without cgo.
var errNoCgo = errors.New("built without cgo, so not linked (CGO_ENABLED=0 or no C compiler; Debian: apt-get install gcc libc6-dev)")

// disableAutoInstall does nothing without cgo: go-xla is not linked.
func disableAutoInstall() {}

// Plugins returns nil: without cgo XLA is not linked, so no plugin can be used.
func Plugins() []string { return nil }

// prepare fails: without cgo there is no XLA to open.
func prepare() error { return errNoCgo }

// open fails: without cgo there is no XLA to open.
func open() (compute.Backend, string, error) { return nil, "", errNoCgo }
