//go:build onnx

package cnn

import (
	"github.com/d2l-go/d2l-go/internal/ortlib"
	"github.com/gomlx/compute"
	onnxruntime "github.com/gomlx/compute-onnx"
)

// With the onnx build tag the benchmarks run on ONNX Runtime (the library that ortlib finds).
func init() {
	benchBackend = func() compute.Backend {
		if ortlib.Configure() == "" {
			panic("cnn benchmarks: no libonnxruntime.so.1 installed (d2l setup installs it)")
		}
		b, err := onnxruntime.New("cpu")
		if err != nil {
			panic(err)
		}
		return b
	}
}
