//go:build xla

package d2l

import (
	"math/rand/v2"
	"os"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestXLA runs wherever the binary is built with -tags xla and a PJRT plugin is installed:
// the default backend must then be XLA, and the ops must match the references on it.
func TestXLA(t *testing.T) {
	plugins := XLAPlugins()
	if len(plugins) == 0 {
		t.Skip("XLA linked but no PJRT plugin found (PJRT_PLUGIN_LIBRARY_PATH, ~/.local/lib/go-xla, /usr/local/lib/go-xla): " +
			"install one to run this test; d2l never downloads it")
	}
	if cfg := os.Getenv("GOMLX_BACKEND"); cfg != "" && !strings.HasPrefix(cfg, "xla") {
		t.Skipf("GOMLX_BACKEND=%s selects another backend", cfg)
	}
	t.Logf("PJRT plugins: %v; backend: %s", plugins, BackendName())
	require.Contains(t, BackendName(), "XLA")

	X := Arange(9, 3, 3)
	K := Tensor([][]float32{{0, 1}, {2, 3}})
	assert.Equal(t, "tensor([[19., 25.],\n        [37., 43.]])", Format(Corr2D(X, K)))

	r := rand.New(rand.NewPCG(21, 22))
	conv := NewConv2d(3, 4, KernelSize(3), Padding(1), Stride(2))
	for range 20 {
		x := randRef(r, 2, 3, 9, 7)
		ok, why := closeTo(refConv(x, refOf(conv.Weight), refOf(conv.Bias).v, conv.Padding, conv.Stride), conv.Forward(x.tensor()))
		require.True(t, ok, why)
	}
	pool := NewMaxPool2d(KernelSize(3), Padding(1), Stride(2))
	for range 20 {
		x := randRef(r, 2, 3, 9, 7)
		ok, why := closeTo(refPool(x, pool.KernelSize, pool.Stride, pool.Padding, "max"), pool.Forward(x.tensor()))
		require.True(t, ok, why)
	}
	if NumGPUs() > 0 {
		assert.Equal(t, "cuda:0", TryGPU().String())
	}
}
