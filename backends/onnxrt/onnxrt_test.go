package onnxrt_test

import (
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/d2l-go/d2l-go/backends/onnxrt"
	"github.com/d2l-go/d2l-go/cnn"
	"github.com/d2l-go/d2l-go/d2l"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// needLibrary skips the test where libonnxruntime.so.1 is not installed.
func needLibrary(t *testing.T) string {
	t.Helper()
	lib, err := onnxrt.Library()
	if err != nil {
		t.Skipf("%v: `go run ./cmd/d2l setup` installs it", err)
	}
	return lib
}

// TestSelfTest runs d2l's backend self-test on ONNX Runtime with every convolution
// implementation of cnn.
func TestSelfTest(t *testing.T) {
	needLibrary(t)
	if !onnxrt.Linked {
		t.Skip("built without cgo: ONNX Runtime is not linked")
	}
	b, err := onnxrt.New()
	require.NoError(t, err)
	defer b.Finalize()
	for _, impl := range []cnn.ConvImpl{cnn.ConvAuto, cnn.ConvConvolve, cnn.ConvIm2Col, cnn.ConvGather} {
		t.Run(string(impl)+"-", func(t *testing.T) {
			cnn.SetConvImpl(impl)
			defer cnn.SetConvImpl(cnn.ConvAuto)
			start := time.Now()
			require.NoError(t, d2l.SelfTest(b))
			t.Logf("self-test took %s", time.Since(start))
		})
	}
}

// TestDefault checks that a program importing this package runs ONNX Runtime by default when
// the library is installed, and that the book's first example gives the book's values there.
func TestDefault(t *testing.T) {
	lib := needLibrary(t)
	if !onnxrt.Linked {
		t.Skip("built without cgo: ONNX Runtime is not linked")
	}
	if cfg := os.Getenv("GOMLX_BACKEND"); cfg != "" {
		t.Skipf("GOMLX_BACKEND=%s chooses the backend", cfg)
	}
	assert.Equal(t, "ONNX Runtime (cpu, "+onnxrt.HomeRelative(lib)+")", d2l.BackendName())
	Y := d2l.Corr2D(d2l.Arange(9, 3, 3), d2l.Tensor([][]float32{{0, 1}, {2, 3}}))
	assert.Equal(t, "tensor([[19., 25.],\n        [37., 43.]])", d2l.Format(Y))
}

func TestLibraryMissing(t *testing.T) {
	t.Setenv("ONNXRUNTIME_SHARED_LIBRARY_PATH", "/nonexistent/libonnxruntime.so.1")
	_, err := onnxrt.Library()
	require.Error(t, err)
	assert.Contains(t, err.Error(), "ONNXRUNTIME_SHARED_LIBRARY_PATH=/nonexistent/libonnxruntime.so.1")
}

func TestHomeRelative(t *testing.T) {
	home, err := os.UserHomeDir()
	require.NoError(t, err)
	assert.Equal(t, "~/.local/share/x.so", onnxrt.HomeRelative(filepath.Join(home, ".local/share/x.so")))
	assert.Equal(t, "/usr/lib/x.so", onnxrt.HomeRelative("/usr/lib/x.so"))
}
