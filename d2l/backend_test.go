package d2l

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/d2l-go/d2l-go/internal/ortlib"
	"github.com/gomlx/compute"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestMain runs the tests of this package on the pure-Go backend unless GOMLX_BACKEND says
// otherwise (GOMLX_BACKEND=onnx go test ./d2l/ runs them on ONNX Runtime, which
// registration_test.go links in); the children of TestBackendSelection keep the environment
// they are given, so that they exercise the default choice.
func TestMain(m *testing.M) {
	if _, set := os.LookupEnv(compute.ConfigEnvVar); !set && os.Getenv("D2L_BACKEND_CHILD") != "1" {
		os.Setenv(compute.ConfigEnvVar, "go")
	}
	os.Exit(m.Run())
}

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
	t.Run("GOMLX_BACKEND=xla without backends/xla linked", func(t *testing.T) {
		stderr, _ := childBackend(t, "xla:cpu")
		assert.Contains(t, stderr, "d2l: backend pure Go")
		assert.Contains(t, stderr, "GOMLX_BACKEND=xla:cpu failed: xla is not linked into this program (import github.com/d2l-go/d2l-go/backends/xla)")
	})
	// registration_test.go links backends/onnxrt (and nothing else) into this test binary.
	require.Len(t, candidates, 1)
	require.Equal(t, "onnx", candidates[0].Name)
	t.Run("default with ONNX Runtime registered", func(t *testing.T) {
		stderr, stdout := childBackend(t, "")
		assert.Equal(t, 1, strings.Count(stderr, "d2l: backend"), "one line")
		assert.Contains(t, stderr, "for XLA (faster, GPU) import github.com/d2l-go/d2l-go/backends/xla", "says how to get XLA")
		// Prepare fails where ONNX Runtime cannot run: no library, or a build without cgo.
		if err := candidates[0].Prepare(); err == nil {
			lib := ortlib.Find()
			if home, err := os.UserHomeDir(); err == nil && home != "" {
				lib = strings.Replace(lib, home+"/", "~/", 1) // the notice shows paths under ~
			}
			assert.Contains(t, stderr, "d2l: backend ONNX Runtime (cpu, "+lib+")")
			assert.Contains(t, stdout, "child: ONNX Runtime")
		} else {
			assert.Contains(t, stderr, "d2l: backend pure Go")
			assert.Contains(t, stderr, "onnx not used: "+err.Error())
		}
	})
	t.Run("default falls back when ONNX Runtime's library is missing", func(t *testing.T) {
		t.Setenv("ONNXRUNTIME_SHARED_LIBRARY_PATH", filepath.Join(t.TempDir(), "libonnxruntime.so.1"))
		err := candidates[0].Prepare() // "ONNXRUNTIME_SHARED_LIBRARY_PATH=...: no such file", or no cgo
		require.Error(t, err)
		stderr, _ := childBackend(t, "")
		assert.Contains(t, stderr, "d2l: backend pure Go (gomlx/compute/gobackend) -- onnx not used: "+err.Error())
	})
}

func TestRegisterBackendErrors(t *testing.T) {
	err := Try(func() { RegisterBackend(BackendCandidate{Name: "x"}) })
	require.Error(t, err)
	assert.Equal(t, `d2l.RegisterBackend: argument c: got Name "x", Open set false, want a name and an Open function`, err.Error())
	Backend() // chosen now: a later registration would be ignored, so it panics
	err = Try(func() {
		RegisterBackend(BackendCandidate{Name: "late", Open: func() (compute.Backend, string, error) { return nil, "", nil }})
	})
	require.Error(t, err)
	assert.Contains(t, err.Error(), `d2l.RegisterBackend: argument c: got "late" after Backend chose `)
	_, found := findCandidate("late")
	assert.False(t, found)
}
