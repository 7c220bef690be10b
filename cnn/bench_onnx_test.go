//go:build onnx

package cnn

import (
	"sync"

	"github.com/d2l-go/d2l-go/internal/ortlib"
	"github.com/gomlx/compute"
	onnxruntime "github.com/gomlx/compute-onnx"
)

// With the onnx build tag the benchmarks (and the tests that use benchBackend) run on ONNX
// Runtime, with the library that ortlib finds. One backend instance serves them all: tensors
// cannot move between instances. ortlib.Configure also points compute-onnx at that library for
// the tests that open GOMLX_BACKEND=onnxruntime themselves, which would otherwise try to
// download one from GitHub.
func init() {
	ortlib.Configure()
	benchBackend = sync.OnceValue(func() compute.Backend {
		if ortlib.Configure() == "" {
			panic("cnn benchmarks: no libonnxruntime.so.1 installed (d2l setup installs it)")
		}
		b, err := onnxruntime.New("cpu,log=0")
		if err != nil {
			panic(err)
		}
		return b
	})
}
