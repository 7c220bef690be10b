//go:build onnx

package d2l

import (
	"testing"
	"time"

	"github.com/d2l-go/d2l-go/cnn"
	"github.com/d2l-go/d2l-go/internal/ortlib"
	onnxruntime "github.com/gomlx/compute-onnx"
	"github.com/stretchr/testify/require"
)

// TestSelfTestONNX runs the backend self-test on ONNX Runtime (where libonnxruntime.so.1 is
// installed) with every convolution implementation of cnn.
func TestSelfTestONNX(t *testing.T) {
	if ortlib.Configure() == "" {
		t.Skip("no libonnxruntime.so.1 installed (d2l setup installs it)")
	}
	b, err := onnxruntime.New("cpu")
	require.NoError(t, err)
	for _, impl := range []cnn.ConvImpl{cnn.ConvAuto, cnn.ConvConvolve, cnn.ConvIm2Col, cnn.ConvGather} {
		t.Run(string(impl)+"-", func(t *testing.T) {
			cnn.SetConvImpl(impl)
			defer cnn.SetConvImpl(cnn.ConvAuto)
			start := time.Now()
			require.NoError(t, selfTest(b))
			t.Logf("self-test took %s", time.Since(start))
		})
	}
}
