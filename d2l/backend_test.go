package d2l

import (
	"os"
	"os/exec"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestBackendChosenOnce(t *testing.T) {
	b := Backend()
	require.NotNil(t, b)
	assert.Same(t, b, Backend())
	assert.NotEmpty(t, BackendName())
}

func TestDevices(t *testing.T) {
	assert.Equal(t, "cpu", Device{Type: "cpu"}.String())
	assert.Equal(t, "cuda:1", Device{Type: "cuda", Index: 1}.String())
	if NumGPUs() == 0 {
		assert.Equal(t, Device{Type: "cpu"}, TryGPU())
		assert.Equal(t, []Device{{Type: "cpu"}}, TryAllGPUs())
	} else {
		assert.Equal(t, Device{Type: "cuda", Index: 0}, TryGPU())
		assert.Len(t, TryAllGPUs(), NumGPUs())
	}
	assert.Equal(t, Device{Type: "cpu"}, TryGPU(1000), "a GPU that does not exist gives the CPU")
}

// TestBackendChild is run in a child process by TestBackendSelection (with a chosen environment):
// it initialises the backend and runs one op.
func TestBackendChild(t *testing.T) {
	if os.Getenv("D2L_BACKEND_CHILD") != "1" {
		t.Skip("runs only as a child of TestBackendSelection")
	}
	Y := Corr2D(Arange(9, 3, 3), Tensor([][]float32{{0, 1}, {2, 3}}))
	require.Equal(t, []float32{19, 25, 37, 43}, values(Y))
	Print("child:", BackendName())
}

// childBackend runs TestBackendChild with GOMLX_BACKEND set to cfg ("" = unset) and returns its
// stderr and stdout.
func childBackend(t *testing.T, cfg string) (stderr, stdout string) {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run", "^TestBackendChild$", "-test.count=1")
	env := []string{"D2L_BACKEND_CHILD=1"}
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "GOMLX_BACKEND=") {
			env = append(env, kv)
		}
	}
	if cfg != "" {
		env = append(env, "GOMLX_BACKEND="+cfg)
	}
	cmd.Env = env
	var errBuf, outBuf strings.Builder
	cmd.Stderr, cmd.Stdout = &errBuf, &outBuf
	require.NoError(t, cmd.Run(), "child failed:\n%s\n%s", outBuf.String(), errBuf.String())
	return errBuf.String(), outBuf.String()
}

func TestBackendSelection(t *testing.T) {
	if testing.Short() {
		t.Skip("starts child processes")
	}
	t.Run("GOMLX_BACKEND=go", func(t *testing.T) {
		stderr, stdout := childBackend(t, "go")
		assert.Contains(t, stderr, "d2l: backend pure Go (gomlx/compute/gobackend) (from GOMLX_BACKEND=go)")
		assert.Equal(t, 1, strings.Count(stderr, "d2l: backend"), "one line")
		assert.Contains(t, stdout, "child: pure Go (gomlx/compute/gobackend) (from GOMLX_BACKEND=go)")
	})
	t.Run("unknown backend falls back to pure Go", func(t *testing.T) {
		stderr, _ := childBackend(t, "nosuchbackend")
		assert.Contains(t, stderr, "d2l: backend pure Go")
		assert.Contains(t, stderr, "GOMLX_BACKEND=nosuchbackend failed")
		assert.Contains(t, stderr, "for XLA (faster, GPU)", "says how to get XLA")
	})
	if xlaLinked && len(XLAPlugins()) == 0 {
		t.Run("XLA linked without a plugin", func(t *testing.T) {
			stderr, _ := childBackend(t, "")
			assert.Contains(t, stderr, "d2l: backend pure Go")
			assert.Contains(t, stderr, "xla not used: no PJRT plugin installed")
			stderr, _ = childBackend(t, "xla")
			assert.Contains(t, stderr, "d2l: backend pure Go")
			assert.Contains(t, stderr, "GOMLX_BACKEND=xla failed")
		})
	}
	if len(candidates) == 0 {
		t.Run("default without XLA linked", func(t *testing.T) {
			stderr, _ := childBackend(t, "")
			assert.Contains(t, stderr, "d2l: backend pure Go")
			assert.Contains(t, stderr, "-tags xla")
		})
	} else {
		t.Run("default with a faster backend linked", func(t *testing.T) {
			stderr, _ := childBackend(t, "")
			assert.Equal(t, 1, strings.Count(stderr, "d2l: backend"), "one line")
			if !strings.Contains(stderr, "XLA") {
				assert.Contains(t, stderr, "for XLA (faster, GPU)", "says how to get XLA")
			}
		})
	}
}
