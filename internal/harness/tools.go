package harness

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
)

// Module is the Go module path of this repository.
const Module = "github.com/d2l-go/d2l-go"

// RepoRoot returns the root of the d2l-go checkout that contains dir: the nearest
// directory at or above dir whose go.mod declares Module.
func RepoRoot(dir string) (string, error) {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return "", fmt.Errorf("harness.RepoRoot: %w", err)
	}
	for d := abs; ; d = filepath.Dir(d) {
		data, err := os.ReadFile(filepath.Join(d, "go.mod"))
		if err == nil && strings.HasPrefix(string(data), "module "+Module+"\n") {
			return d, nil
		}
		if filepath.Dir(d) == d {
			return "", fmt.Errorf("harness.RepoRoot: directory %s: got no go.mod of module %s at or above it, want one", abs, Module)
		}
	}
}

// JupyterDataDir returns the private Jupyter data directory of a checkout, where the
// harness installs the GoNB kernel: ROOT/build/jupyter.
func JupyterDataDir(root string) string { return filepath.Join(root, "build", "jupyter") }

// goBinDirs returns where `go install` puts binaries: GOBIN, else GOPATH/bin.
func goBinDirs() []string {
	var dirs []string
	if out, err := exec.Command("go", "env", "GOBIN", "GOPATH").Output(); err == nil {
		lines := strings.Split(strings.TrimRight(string(out), "\n"), "\n") // GOBIN may be an empty line
		if len(lines) >= 1 && strings.TrimSpace(lines[0]) != "" {
			dirs = append(dirs, strings.TrimSpace(lines[0]))
		}
		if len(lines) >= 2 {
			for _, p := range filepath.SplitList(strings.TrimSpace(lines[1])) {
				dirs = append(dirs, filepath.Join(p, "bin"))
			}
		}
	}
	return dirs
}

// FindTool returns the path of an executable: on PATH, else where `go install` puts it.
func FindTool(name string) (string, error) {
	if p, err := exec.LookPath(name); err == nil {
		return p, nil
	}
	for _, d := range goBinDirs() {
		p := filepath.Join(d, name)
		if st, err := os.Stat(p); err == nil && !st.IsDir() && st.Mode()&0o111 != 0 {
			return p, nil
		}
	}
	return "", fmt.Errorf("harness.FindTool: %s: got not found on PATH nor in GOBIN/GOPATH/bin, want it installed", name)
}

// Tools are the programs the harness runs.
type Tools struct {
	// Nbconvert is jupyter-nbconvert.
	Nbconvert string
	// Gonb is the GoNB kernel binary.
	Gonb string
	// Goimports is used by GoNB on every cell.
	Goimports string
	// Gopls gives GoNB's completion (Tab) and documentation (Shift-Tab).
	Gopls string
}

// InstallHint is the command that installs the harness's tools on Debian/Ubuntu.
const InstallHint = "go run ./cmd/d2l setup   (or: sudo apt-get install -y jupyter-nbconvert && GOEXPERIMENT= go -C tools install tool)"

// FindTools locates jupyter-nbconvert, gonb, goimports and gopls; the error lists every missing one
// and the command that installs them.
func FindTools() (Tools, error) {
	var t Tools
	var missing []string
	for _, x := range []struct {
		name string
		dst  *string
	}{{"jupyter-nbconvert", &t.Nbconvert}, {"gonb", &t.Gonb}, {"goimports", &t.Goimports}, {"gopls", &t.Gopls}} {
		p, err := FindTool(x.name)
		if err != nil {
			missing = append(missing, x.name)
			continue
		}
		*x.dst = p
	}
	if len(missing) > 0 {
		return t, fmt.Errorf("harness.FindTools: got %s missing, want installed: run %s", strings.Join(missing, ", "), InstallHint)
	}
	return t, nil
}

// Env returns the environment for running nbconvert and the kernel: the current one with
// JUPYTER_DATA_DIR set to dataDir and the directories of the tools first on PATH (GoNB
// looks up goimports, gopls and go on PATH; the kernel spec puts them there too).
func (t Tools) Env(dataDir string) []string {
	var dirs []string
	for _, p := range []string{t.Gonb, t.Goimports, t.Gopls} {
		if d := filepath.Dir(p); p != "" && !slices.Contains(dirs, d) {
			dirs = append(dirs, d)
		}
	}
	env := slices.DeleteFunc(os.Environ(), func(kv string) bool {
		return strings.HasPrefix(kv, "JUPYTER_DATA_DIR=") || strings.HasPrefix(kv, "PATH=")
	})
	path := strings.Join(append(dirs, os.Getenv("PATH")), string(os.PathListSeparator))
	return append(env, "JUPYTER_DATA_DIR="+dataDir, "PATH="+path)
}
