package d2l

import (
	"testing"
	"time"

	"github.com/d2l-go/d2l-go/cnn"
	"github.com/gomlx/compute/gobackend"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestSelfTestPureGo runs the backend self-test on the pure-Go backend with every convolution
// implementation of cnn: each must pass.
func TestSelfTestPureGo(t *testing.T) {
	b, err := gobackend.New("")
	require.NoError(t, err)
	for _, impl := range []cnn.ConvImpl{cnn.ConvAuto, cnn.ConvConvolve, cnn.ConvIm2Col, cnn.ConvGather} {
		t.Run(string(impl)+"-", func(t *testing.T) {
			cnn.SetConvImpl(impl)
			defer cnn.SetConvImpl(cnn.ConvAuto)
			start := time.Now()
			require.NoError(t, SelfTest(b))
			t.Logf("self-test took %s", time.Since(start))
		})
	}
}

// TestSelfTestBackend runs the self-test on the backend the tests use: with
// GOMLX_BACKEND=onnx (the ONNX Runtime pass of CI) that is ONNX Runtime, which d2l.Backend does
// not self-test when the variable names it.
func TestSelfTestBackend(t *testing.T) {
	require.NoError(t, SelfTest(Backend()), "backend %s", BackendName())
}

// TestSelfTestReference checks the plain-loop reference on a case small enough to verify by
// hand: one 1x1 image, 1x1 kernel.
func TestSelfTestReference(t *testing.T) {
	ref := refSelfTest([]float32{2}, []float32{3}, []float32{1}, [4]int{1, 1, 1, 1}, [2]int{1, 1},
		cnn.ConvConfig{Stride: [2]int{1, 1}}, cnn.PoolConfig{Kernel: [2]int{1, 1}}, cnn.PoolConfig{Kernel: [2]int{1, 1}})
	w := selfTestWeight(0)
	assert.Equal(t, []float32{7}, ref[0], "conv: 3*2+1")
	assert.Equal(t, []float32{2}, ref[1], "max pool")
	assert.Equal(t, []float32{2}, ref[2], "avg pool")
	assert.Equal(t, []float32{2}, ref[3], "eager avg pool")
	assert.Equal(t, []float32{2}, ref[4], "eager max pool")
	assert.InDelta(t, float64(w*3+w+w+w+w), float64(ref[5][0]), 1e-6, "d/dx: conv + max + avg + eager avg + eager max")
	assert.InDelta(t, float64(w*2), float64(ref[6][0]), 1e-6, "d/dw")
	assert.InDelta(t, float64(w), float64(ref[7][0]), 1e-6, "d/db")
}
