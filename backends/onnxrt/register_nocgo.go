//go:build !cgo

package onnxrt

import (
	"errors"

	"github.com/gomlx/compute"
)

// Linked reports whether ONNX Runtime is linked into this program: it needs cgo.
const Linked = false

// errNoCgo says why ONNX Runtime cannot run in a program built without cgo.
var errNoCgo = errors.New("built without cgo, so not linked (CGO_ENABLED=0 or no C compiler; Debian: apt-get install gcc libc6-dev)")

// prepare fails: without cgo there is no ONNX Runtime to open.
func prepare() error { return errNoCgo }

// open fails: without cgo there is no ONNX Runtime to open.
func open() (compute.Backend, string, error) { return nil, "", errNoCgo }
