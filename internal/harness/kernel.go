package harness

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
)

// KernelName is the name of the Jupyter kernel that runs the notebooks of this repository
// (their metadata names it), and KernelDisplayName the name Jupyter shows for it.
const (
	KernelName        = "d2l-go"
	KernelDisplayName = "Go (d2l-go)"
)

// KernelGoFlags are the `go build` flags of every cell the kernel compiles ($GOFLAGS in its
// environment): -ldflags=-w leaves out the DWARF debugging information, which nothing in a
// notebook reads (a panic's stack trace does not need it), and makes each cell's link about
// a fifth faster; -tags=osusergo gives os/user (which GoMLX's logging imports) its pure-Go
// form, so a cell that links no cgo of its own is linked statically without runtime/cgo
// (6.2-6.5 about 6 % faster; 6.6's ONNX Runtime still links its cgo). See bench/README.md.
// Go commands that take no build flags ignore them.
const KernelGoFlags = "-ldflags=-w -tags=osusergo"

// KernelGoExperiment is $GOEXPERIMENT of every cell: none. The README's GOEXPERIMENT=simd
// gives the pure-Go backend its AVX2/AVX-512 kernels, which pay off in training, but it makes
// every cell's program larger and its build about a quarter slower, while a notebook's cells
// compute little (6.6 trains on ONNX Runtime where its library is installed).
const KernelGoExperiment = ""

// KernelSpec is a Jupyter kernel spec, the kernel.json of a kernel.
type KernelSpec struct {
	// Argv is the command Jupyter runs; "{connection_file}" stands for the connection file.
	Argv []string `json:"argv"`
	// DisplayName is the name shown in Jupyter's menus.
	DisplayName string `json:"display_name"`
	// Language is the kernel's language ("go").
	Language string `json:"language"`
	// InterruptMode "message": Jupyter asks the kernel to interrupt by a message, and GoNB
	// sends SIGINT to the running cell's program.
	InterruptMode string `json:"interrupt_mode"`
	// Env is added to the environment Jupyter starts the kernel with; "${NAME}" in a value
	// stands for that variable's value in that environment (jupyter_client 7 and later).
	Env map[string]string `json:"env"`
	// Metadata records the checkout the kernel serves, under "d2l-go": {"root": ...}.
	Metadata map[string]any `json:"metadata,omitempty"`
}

// Kernel returns the spec of the d2l-go kernel for the checkout at root: GoNB (t.Gonb) with a
// Go workspace of root and root/exercises, so that any notebook, the ones of notebooks/ and a
// student's new one alike, imports the repository's packages (d2l, draw, the exercises'
// helpers) with no setup cell, built against exactly the module versions the repository is
// tested with. Its environment puts root's Go toolchain and the directories of gonb, goimports
// and gopls first on PATH and names the toolchain in $GOTOOLCHAIN, so that cells build with
// the Go that go.mod names whatever shell Jupyter was started from; sets KernelGoFlags and
// KernelGoExperiment; and serves modules from the module cache before the network ($GOPROXY), which makes the
// `go get` GoNB runs before every cell take a few milliseconds instead of a round trip to
// the proxy, while modules that are not in the cache are still fetched. rawErrors makes GoNB
// report compile errors as plain text (what the harness reads) instead of HTML.
func (t Tools) Kernel(root string, rawErrors bool) (KernelSpec, error) {
	if t.Gonb == "" {
		return KernelSpec{}, fmt.Errorf("harness.Kernel: Tools.Gonb: got \"\", want the path of gonb")
	}
	abs, err := filepath.Abs(root)
	if err != nil {
		return KernelSpec{}, fmt.Errorf("harness.Kernel: %w", err)
	}
	cmd := exec.Command("go", "env", "GOVERSION", "GOROOT", "GOMODCACHE", "GOPROXY")
	cmd.Dir = abs
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		return KernelSpec{}, fmt.Errorf("harness.Kernel: go env in %s: %w: %s", abs, err, strings.TrimSpace(stderr.String()))
	}
	lines := strings.Split(strings.TrimRight(string(out), "\n"), "\n")
	if len(lines) != 4 {
		return KernelSpec{}, fmt.Errorf("harness.Kernel: go env in %s: got %q, want 4 lines", abs, out)
	}
	version, goroot, modcache, proxy := lines[0], lines[1], lines[2], lines[3]
	var dirs []string
	for _, d := range []string{filepath.Join(goroot, "bin"), dirOf(t.Gonb), dirOf(t.Goimports), dirOf(t.Gopls)} {
		if d != "" && !slices.Contains(dirs, d) {
			dirs = append(dirs, d)
		}
	}
	env := map[string]string{
		"GOTOOLCHAIN":  version,
		"PATH":         strings.Join(append(dirs, "${PATH}"), string(os.PathListSeparator)),
		"GOFLAGS":      KernelGoFlags,
		"GOEXPERIMENT": KernelGoExperiment,
	}
	if proxy != "off" && modcache != "" {
		env["GOPROXY"] = "file://" + filepath.ToSlash(filepath.Join(modcache, "cache", "download")) + "," + proxy
	}
	argv := []string{t.Gonb, "--kernel", "{connection_file}",
		"-go_work=" + abs + "," + filepath.Join(abs, "exercises")}
	if rawErrors {
		argv = append(argv, "-raw_error=true")
	}
	return KernelSpec{
		Argv:          argv,
		DisplayName:   KernelDisplayName,
		Language:      "go",
		InterruptMode: "message",
		Env:           env,
		Metadata:      map[string]any{KernelName: map[string]any{"root": abs}},
	}, nil
}

// dirOf is the directory of path, "" for "".
func dirOf(path string) string {
	if path == "" {
		return ""
	}
	return filepath.Dir(path)
}

// kernelFile is where dataDir keeps the kernel.json of the d2l-go kernel.
func kernelFile(dataDir string) string {
	return filepath.Join(dataDir, "kernels", KernelName, "kernel.json")
}

// KernelInstalled reports whether dataDir holds exactly the kernel spec spec.
func KernelInstalled(dataDir string, spec KernelSpec) bool {
	data, err := os.ReadFile(kernelFile(dataDir))
	if err != nil {
		return false
	}
	want, err := json.Marshal(spec)
	if err != nil {
		return false
	}
	return bytes.Equal(bytes.TrimSpace(data), want)
}

// InstalledKernel reads the d2l-go kernel spec that dataDir holds.
func InstalledKernel(dataDir string) (KernelSpec, error) {
	var spec KernelSpec
	data, err := os.ReadFile(kernelFile(dataDir))
	if err != nil {
		return spec, fmt.Errorf("harness.InstalledKernel: %w", err)
	}
	if err := json.Unmarshal(data, &spec); err != nil {
		return spec, fmt.Errorf("harness.InstalledKernel: %s: %w", kernelFile(dataDir), err)
	}
	return spec, nil
}

// InstallKernel writes spec as the d2l-go kernel of the Jupyter data directory dataDir
// (kernels/d2l-go/kernel.json), replacing the one there.
func InstallKernel(dataDir string, spec KernelSpec) error {
	if dataDir == "" {
		return fmt.Errorf("harness.InstallKernel: argument dataDir: got \"\", want a Jupyter data directory")
	}
	data, err := json.Marshal(spec)
	if err != nil {
		return fmt.Errorf("harness.InstallKernel: %w", err)
	}
	path := kernelFile(dataDir)
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return fmt.Errorf("harness.InstallKernel: %w", err)
	}
	if err := os.WriteFile(path, append(data, '\n'), 0o644); err != nil {
		return fmt.Errorf("harness.InstallKernel: %w", err)
	}
	return nil
}
