//go:build onnx

package d2l

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"

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
// ONNXRUNTIME_SHARED_LIBRARY_PATH if set, else ~/.local/share/d2l-go/onnxruntime/libonnxruntime.so.1
// if it exists. Only in binaries built with -tags onnx.
func ONNXRuntimeLibrary() (string, error) {
	return findONNXRuntime()
}

// findONNXRuntime locates the library and exports ONNXRUNTIME_SHARED_LIBRARY_PATH so that
// compute-onnx uses it instead of downloading one.
func findONNXRuntime() (string, error) {
	const env = "ONNXRUNTIME_SHARED_LIBRARY_PATH"
	if p := os.Getenv(env); p != "" {
		if _, err := os.Stat(p); err != nil {
			return "", fmt.Errorf("%s=%s: %v", env, p, err)
		}
		return p, nil
	}
	home, err := os.UserHomeDir()
	if err != nil {
		return "", fmt.Errorf("libonnxruntime.so.1 not found (%s unset, no home directory)", env)
	}
	p := filepath.Join(home, ".local", "share", "d2l-go", "onnxruntime", "libonnxruntime.so.1")
	if _, err := os.Stat(p); err != nil {
		return "", fmt.Errorf("libonnxruntime.so.1 not found (%s unset, nothing at %s)", env, p)
	}
	if err := os.Setenv(env, p); err != nil {
		return "", err
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
	b, err = onnxruntime.New("cpu")
	if err != nil {
		return nil, "", err
	}
	if b == nil {
		return nil, "", errors.New("ONNX Runtime returned no backend")
	}
	return b, "ONNX Runtime (cpu, " + lib + ")", nil
}
