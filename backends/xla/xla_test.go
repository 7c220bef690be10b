package xla_test

import (
	"os"
	"strings"
	"testing"

	"github.com/d2l-go/d2l-go/backends/xla"
	"github.com/d2l-go/d2l-go/d2l"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestXLA runs wherever a PJRT plugin is installed (PJRT_PLUGIN_LIBRARY_PATH, ~/.local/lib/go-xla,
// /usr/local/lib/go-xla): a program importing this package must then run XLA by default (it
// passed d2l.SelfTest), with the book's values; GOMLX_BACKEND=xla:cuda picks the GPU.
func TestXLA(t *testing.T) {
	plugins := xla.Plugins()
	if len(plugins) == 0 {
		t.Skip("no PJRT plugin found: install one to run this test; d2l never downloads it")
	}
	if cfg := os.Getenv("GOMLX_BACKEND"); cfg != "" && !strings.HasPrefix(cfg, "xla") {
		t.Skipf("GOMLX_BACKEND=%s selects another backend", cfg)
	}
	t.Logf("PJRT plugins: %v; backend: %s", plugins, d2l.BackendName())
	require.Contains(t, d2l.BackendName(), "XLA")
	require.NoError(t, d2l.SelfTest(d2l.Backend()))
	Y := d2l.Corr2D(d2l.Arange(9, 3, 3), d2l.Tensor([][]float32{{0, 1}, {2, 3}}))
	assert.Equal(t, "tensor([[19., 25.],\n        [37., 43.]])", d2l.Format(Y))
	if d2l.NumGPUs() > 0 {
		assert.Equal(t, "cuda:0", d2l.TryGPU().String())
	}
}
