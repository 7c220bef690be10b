//go:build cgo

package onnxrt

import (
	"errors"
	"fmt"

	"github.com/gomlx/compute"
	onnxruntime "github.com/gomlx/compute-onnx"
)

// Linked reports whether ONNX Runtime is linked into this program: it needs cgo.
const Linked = true

// prepare runs before GOMLX_BACKEND=onnx opens the backend: it fails unless the library is
// installed, so that compute-onnx never downloads one.
func prepare() error {
	_, err := Library()
	return err
}

// open opens ONNX Runtime on the CPU with the installed library.
func open() (b compute.Backend, desc string, err error) {
	lib, err := Library()
	if err != nil {
		return nil, "", err
	}
	defer func() {
		if r := recover(); r != nil {
			b, err = nil, fmt.Errorf("%v", r)
		}
	}()
	b, err = onnxruntime.New("cpu,log=0") // log=0: errors only (no optimizer warnings in cells)
	if err != nil {
		return nil, "", err
	}
	if b == nil {
		return nil, "", errors.New("ONNX Runtime returned no backend")
	}
	return b, "ONNX Runtime (cpu, " + HomeRelative(lib) + ")", nil
}
