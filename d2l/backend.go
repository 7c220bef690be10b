package d2l

import (
	"fmt"
	"io"
	"os"
	"sort"
	"strings"
	"sync"

	"github.com/gomlx/compute"
	"github.com/gomlx/compute/gobackend"
)

// candidate is a faster backend compiled into this binary (by build tags xla / onnx).
type candidate struct {
	name     string // "xla", "onnx"
	priority int    // lower is tried first
	// open returns the backend and a description such as "XLA (cuda)", or an error saying why
	// it is not available (missing plugin or library). It must neither download nor hang.
	open func() (compute.Backend, string, error)
	// prepare, if set, runs before GOMLX_BACKEND opens this backend by name: it must make sure
	// nothing gets downloaded (returning an error if the backend cannot run here).
	prepare func() error
}

var (
	candidates []candidate

	backendOnce sync.Once
	backend     compute.Backend
	backendDesc string
	// backendLog is where the one-line backend notice goes (stderr; tests may redirect it).
	backendLog io.Writer = os.Stderr
)

// registerCandidate is called from init functions of build-tagged files.
func registerCandidate(c candidate) {
	candidates = append(candidates, c)
	sort.SliceStable(candidates, func(i, j int) bool { return candidates[i].priority < candidates[j].priority })
}

// howToGetXLA is appended to the notice when XLA does not run.
func howToGetXLA() string {
	if xlaLinked {
		return "for XLA (faster, GPU) install a PJRT plugin (see README)"
	}
	return "for XLA (faster, GPU) build with -tags xla and install a PJRT plugin (see README)"
}

// Backend returns the compute backend every d2l function runs on. It is chosen once, at the first
// call:
//
//  1. GOMLX_BACKEND, if set (e.g. "go", "xla:cpu", "xla:cuda", "onnx"); if that backend cannot
//     start, the notice says why and the pure-Go backend is used;
//  2. XLA (CUDA, then CPU) when the binary was built with -tags xla and a PJRT plugin is installed
//     (nothing is downloaded);
//  3. ONNX Runtime when built with -tags onnx and libonnxruntime.so.1 is found;
//  4. GoMLX's pure-Go backend.
//
// XLA and ONNX Runtime are taken only if they pass a self-test of d2l's ops and gradients
// (convolution, pooling) against plain Go loops, run once per process (about 1 ms on XLA or
// pure Go, 0.1-0.3 s on ONNX Runtime, whose sessions compile slowly); otherwise the notice says
// why and the next one is tried.
//
// One line on stderr says which backend runs and how to get XLA.
func Backend() compute.Backend {
	backendOnce.Do(chooseBackend)
	return backend
}

// BackendName describes the backend Backend chose, e.g. "pure Go (gomlx/compute/gobackend)"
// or "XLA (cuda)".
func BackendName() string {
	Backend()
	return backendDesc
}

func chooseBackend() {
	var notes []string
	if cfg, ok := os.LookupEnv(compute.ConfigEnvVar); ok && cfg != "" {
		b, err := newFromConfig(cfg)
		if err == nil {
			setBackend(b, fmt.Sprintf("%s (from %s=%s)", describeBackend(b), compute.ConfigEnvVar, cfg), nil)
			return
		}
		notes = append(notes, fmt.Sprintf("%s=%s failed: %s", compute.ConfigEnvVar, cfg, oneLine(err.Error())))
	} else {
		for _, c := range candidates {
			b, desc, err := c.open()
			if err == nil {
				if err = selfTest(b); err != nil { // backend_selftest.go
					b.Finalize()
				}
			}
			if err == nil {
				if c.name != "xla" {
					notes = append(notes, howToGetXLA())
				}
				setBackend(b, desc, notes)
				return
			}
			notes = append(notes, fmt.Sprintf("%s not used: %s", c.name, oneLine(err.Error())))
		}
	}
	b, err := gobackend.New("")
	if err != nil {
		panic(&Error{Func: "d2l.Backend", Got: "pure-Go backend failed: " + oneLine(err.Error()), Want: "a working backend"})
	}
	notes = append(notes, howToGetXLA())
	setBackend(b, describeBackend(b), notes)
}

// describeBackend names a backend for the notice: "pure Go (gomlx/compute/gobackend)", or the
// backend's own description (e.g. "xla:cuda - ... [1 device(s)]").
func describeBackend(b compute.Backend) string {
	if b.Name() == "Go Backend" || b.Name() == gobackend.BackendName {
		return "pure Go (gomlx/compute/gobackend)"
	}
	if d := b.Description(); d != "" {
		return d
	}
	return b.Name()
}

// newFromConfig opens the backend named by a GOMLX_BACKEND value, turning panics into errors.
func newFromConfig(cfg string) (b compute.Backend, err error) {
	name, _, _ := strings.Cut(cfg, ":")
	if name == gobackend.BackendName {
		return gobackend.New("")
	}
	for _, c := range candidates {
		if c.name == name || (c.name == "onnx" && name == "onnxruntime") {
			if c.prepare != nil {
				if err := c.prepare(); err != nil {
					return nil, err
				}
			}
		}
	}
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("%v", r)
		}
	}()
	return compute.NewWithConfig(cfg)
}

func setBackend(b compute.Backend, desc string, notes []string) {
	backend, backendDesc = b, desc
	line := "d2l: backend " + desc
	if len(notes) > 0 {
		line += " -- " + strings.Join(notes, "; ")
	}
	_, _ = fmt.Fprintln(backendLog, line)
}

// Device names a device as PyTorch's torch.device does: "cpu" or "cuda:0".
type Device struct {
	// Type is "cpu" or "cuda".
	Type string
	// Index is the device number for "cuda" (0 for the first GPU).
	Index int
}

// String returns "cpu" or "cuda:<index>", as str(torch.device(...)) prints.
func (d Device) String() string {
	if d.Type == "cpu" {
		return "cpu"
	}
	return fmt.Sprintf("%s:%d", d.Type, d.Index)
}

// NumGPUs returns how many GPUs the chosen backend computes on (0 unless XLA or ONNX Runtime
// runs on CUDA).
func NumGPUs() int {
	b := Backend()
	if !isGPUBackend(b) {
		return 0
	}
	return max(b.NumDevices(), 1)
}

// TryGPU mirrors the book's try_gpu(i=0): the i-th GPU if it exists, otherwise the CPU.
// With no argument i is 0.
func TryGPU(i ...int) Device {
	idx := 0
	if len(i) > 0 {
		idx = i[0]
	}
	if idx >= 0 && idx < NumGPUs() {
		return Device{Type: "cuda", Index: idx}
	}
	return Device{Type: "cpu"}
}

// TryAllGPUs mirrors the book's try_all_gpus: every GPU, or [cpu] if there is none.
func TryAllGPUs() []Device {
	n := NumGPUs()
	if n == 0 {
		return []Device{{Type: "cpu"}}
	}
	devs := make([]Device, n)
	for i := range devs {
		devs[i] = Device{Type: "cuda", Index: i}
	}
	return devs
}

// isGPUBackend reports whether b computes on a GPU.
func isGPUBackend(b compute.Backend) bool {
	desc := strings.ToLower(b.Name() + " " + b.Description() + " " + backendDesc)
	return strings.Contains(desc, "cuda") || strings.Contains(desc, "gpu")
}
