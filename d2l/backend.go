package d2l

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"sync"

	"github.com/gomlx/compute"
	"github.com/gomlx/compute/gobackend"
)

// BackendCandidate is a backend faster than pure Go that a registration package offers to
// Backend: importing github.com/d2l-go/d2l-go/backends/onnxrt (ONNX Runtime) or
// github.com/d2l-go/d2l-go/backends/xla (XLA) registers one. d2l itself links only the pure-Go
// backend (no cgo), so programs that do not import a registration package build fast.
type BackendCandidate struct {
	// Name is the candidate's GOMLX_BACKEND name ("xla", "onnx"); Aliases are other names of
	// the same backend ("onnxruntime").
	Name    string
	Aliases []string
	// Priority orders the candidates: lower is tried first (XLA 10, ONNX Runtime 20).
	Priority int
	// Open returns the backend and a description such as "XLA (cuda)", or an error saying why
	// it is not available here (missing plugin or library). It must neither download nor hang.
	Open func() (compute.Backend, string, error)
	// Prepare, if set, runs before GOMLX_BACKEND opens this backend by name: it must make sure
	// nothing gets downloaded, returning an error if the backend cannot run here.
	Prepare func() error
}

var (
	candidates []BackendCandidate

	backendOnce sync.Once
	backendMu   sync.Mutex // guards chosen and candidates against late registrations
	chosen      bool
	backend     compute.Backend
	backendDesc string
	// backendLog is where the one-line backend notice goes (stderr; tests may redirect it).
	backendLog io.Writer = os.Stderr
)

// RegisterBackend offers c to Backend. Registration packages call it from their init
// functions, so it takes effect in every program that imports them. It panics with a *Error
// if Backend has already chosen (the candidate would be ignored silently otherwise) or if c has
// no Name or Open.
func RegisterBackend(c BackendCandidate) {
	backendMu.Lock()
	defer backendMu.Unlock()
	if c.Name == "" || c.Open == nil {
		panic(&Error{Func: "d2l.RegisterBackend", Arg: "c", Got: fmt.Sprintf("Name %q, Open set %v", c.Name, c.Open != nil),
			Want: "a name and an Open function"})
	}
	if chosen {
		panic(&Error{Func: "d2l.RegisterBackend", Arg: "c", Got: fmt.Sprintf("%q after Backend chose %s", c.Name, backendDesc),
			Want: "registration from an init function, before the first use of d2l"})
	}
	candidates = append(candidates, c)
	sort.SliceStable(candidates, func(i, j int) bool { return candidates[i].Priority < candidates[j].Priority })
}

// registrationPackages names the package to import for each backend d2l knows how to offer.
var registrationPackages = map[string]string{
	"xla":         "github.com/d2l-go/d2l-go/backends/xla",
	"onnx":        "github.com/d2l-go/d2l-go/backends/onnxrt",
	"onnxruntime": "github.com/d2l-go/d2l-go/backends/onnxrt",
}

// findCandidate returns the registered candidate named name (or one of its aliases).
func findCandidate(name string) (BackendCandidate, bool) {
	for _, c := range candidates {
		if c.Name == name || slices.Contains(c.Aliases, name) {
			return c, true
		}
	}
	return BackendCandidate{}, false
}

// howToGetXLA is appended to the notice when XLA does not run, unless the notice already says
// why the registered XLA candidate was not used.
func howToGetXLA() string {
	if _, ok := findCandidate("xla"); ok {
		return "for XLA (faster, GPU) install a PJRT plugin (see README)"
	}
	return "for XLA (faster, GPU) import " + registrationPackages["xla"] + " and install a PJRT plugin (see README)"
}

// Backend returns the compute backend every d2l function runs on. It is chosen once, at the first
// call:
//
//  1. GOMLX_BACKEND, if set (e.g. "go", "xla:cpu", "xla:cuda", "onnx"); if that backend cannot
//     start (or is not linked into the program), the notice says why and the pure-Go backend is
//     used;
//  2. the registered candidates (see RegisterBackend), by priority: XLA (CUDA, then CPU) when
//     the program imports github.com/d2l-go/d2l-go/backends/xla and a PJRT plugin is installed
//     (nothing is downloaded); ONNX Runtime when it imports
//     github.com/d2l-go/d2l-go/backends/onnxrt and libonnxruntime.so.1 is found;
//  3. GoMLX's pure-Go backend.
//
// A candidate is taken only if it passes SelfTest, d2l's test of its ops and gradients
// (convolution, pooling) against plain Go loops, run once per process (about 1 ms on XLA or
// pure Go, 0.1-0.4 s on ONNX Runtime, whose sessions compile slowly); otherwise the notice says
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
	backendMu.Lock()
	defer backendMu.Unlock()
	chosen = true
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
			b, desc, err := c.Open()
			if err == nil {
				if err = SelfTest(b); err != nil { // backend_selftest.go
					b.Finalize()
				}
			}
			if err == nil {
				if _, xla := findCandidate("xla"); !xla {
					notes = append(notes, howToGetXLA())
				}
				setBackend(b, desc, notes)
				return
			}
			notes = append(notes, fmt.Sprintf("%s not used: %s", c.Name, oneLine(err.Error())))
		}
	}
	b, err := gobackend.New("")
	if err != nil {
		panic(&Error{Func: "d2l.Backend", Got: "pure-Go backend failed: " + oneLine(err.Error()), Want: "a working backend"})
	}
	if _, xla := findCandidate("xla"); !xla || len(notes) == 0 || strings.HasPrefix(notes[0], compute.ConfigEnvVar) {
		notes = append(notes, howToGetXLA())
	}
	setBackend(b, describeBackend(b), notes)
}

// describeBackend names a backend for the notice: "pure Go (gomlx/compute/gobackend)", or the
// backend's own description (e.g. "xla:cuda - ... [1 device(s)]").
func describeBackend(b compute.Backend) string {
	if isPureGo(b) {
		return "pure Go (gomlx/compute/gobackend)"
	}
	if d := b.Description(); d != "" {
		return d
	}
	return b.Name()
}

// isPureGo reports whether b is GoMLX's pure-Go backend.
func isPureGo(b compute.Backend) bool {
	return b.Name() == "Go Backend" || b.Name() == gobackend.BackendName
}

// newFromConfig opens the backend named by a GOMLX_BACKEND value, turning panics into errors.
func newFromConfig(cfg string) (b compute.Backend, err error) {
	name, _, _ := strings.Cut(cfg, ":")
	if name == gobackend.BackendName {
		return gobackend.New("")
	}
	if c, ok := findCandidate(name); ok {
		if c.Prepare != nil {
			if err := c.Prepare(); err != nil {
				return nil, err
			}
		}
	} else if pkg, known := registrationPackages[name]; known {
		return nil, fmt.Errorf("%s is not linked into this program (import %s)", name, pkg)
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
	announce(line)
}

// noticeFile is the name of the note that the backend notice leaves in a GoNB kernel's
// scratch directory.
const noticeFile = ".d2l-backend-notice"

// announce writes the backend notice to backendLog. In a GoNB notebook every cell runs as a
// new process, so the notice would repeat under every cell; there it is written once per
// kernel: the first cell leaves the line in the kernel's scratch directory ($GONB_TMP_DIR),
// and later cells whose notice is the same stay quiet. A different notice (another backend)
// is written again.
func announce(line string) {
	if dir := os.Getenv("GONB_TMP_DIR"); dir != "" {
		mark := filepath.Join(dir, noticeFile)
		if prev, err := os.ReadFile(mark); err == nil && string(prev) == line {
			return
		}
		_ = os.WriteFile(mark, []byte(line), 0o644)
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
