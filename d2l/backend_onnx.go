//go:build onnx

package d2l

import (
	"errors"
	"fmt"
	"github.com/d2l-go/d2l-go/internal/ortlib"
	"os"

	"github.com/gomlx/compute"
	onnxruntime "github.com/gomlx/compute-onnx"
)

// This file is compiled with -tags onnx: it links ONNX Runtime (compute-onnx) and offers it to
// Backend after XLA.

func init() {
	registerCandidate(candidate{name: "onnx", priority: 20, open: openONNX, prepare: func() error {
		_, err := findONNXRuntime()
		return err
	}})
}

// ONNXRuntimeLibrary returns the path of libonnxruntime.so.1 that d2l uses: the value of
// ONNXRUNTIME_SHARED_LIBRARY_PATH if set, else the per-user copy that `d2l setup` installs
// ($XDG_DATA_HOME/d2l-go/onnxruntime/libonnxruntime.so.1, by default under ~/.local/share)
// if it exists. Only in binaries built with -tags onnx.
func ONNXRuntimeLibrary() (string, error) {
	return findONNXRuntime()
}

// findONNXRuntime locates the library and exports ONNXRUNTIME_SHARED_LIBRARY_PATH so that
// compute-onnx uses it: compute-onnx downloads a library from GitHub when that variable is
// unset and none is in its own directory, so d2l never creates the backend without it.
func findONNXRuntime() (string, error) {
	env := ortlib.EnvPath
	if p := os.Getenv(env); p != "" {
		if _, err := os.Stat(p); err != nil {
			return "", fmt.Errorf("%s=%s: %v", env, p, err)
		}
		return p, nil
	}
	dir, err := ortlib.Dir()
	if err != nil {
		return "", fmt.Errorf("%s not found (%s unset, no home directory)", ortlib.LibName, env)
	}
	p := ortlib.Configure()
	if p == "" {
		return "", fmt.Errorf("%s not found (%s unset, nothing in %s; `d2l setup` installs it)", ortlib.LibName, env, dir)
	}
	return p, nil
}

// openONNX opens ONNX Runtime on the CPU.
func openONNX() (b compute.Backend, desc string, err error) {
	lib, err := findONNXRuntime()
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
	return b, "ONNX Runtime (cpu, " + lib + ")", nil
}
