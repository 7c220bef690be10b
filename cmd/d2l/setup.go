package main

import (
	"context"
	"debug/buildinfo"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"

	"github.com/d2l-go/d2l-go/internal/harness"
	"github.com/d2l-go/d2l-go/internal/ortlib"
)

func init() {
	register(&Command{
		Name:    "setup",
		Summary: "install what the notebooks need: Jupyter, fonts, Fashion-MNIST (apt), gonb + goimports + gopls (tools/), the d2l-go kernel, ONNX Runtime",
		Usage:   "[-q]",
		Run:     runSetup,
	})
	addSetupStep(setupStep{Name: "ONNX Runtime", Optional: true, Run: setupORT})
}

// setupStep is one thing `d2l setup` makes sure of. Other files of this command may add
// steps with addSetupStep from their init functions; they run after the built-in ones.
type setupStep struct {
	// Name is shown in messages.
	Name string
	// Optional steps only warn when they fail; the others make setup fail.
	Optional bool
	// Run checks and, if needed, installs; it returns a short note for the log ("" for none).
	Run func(ctx context.Context, s *setupState) (note string, err error)
}

// extraSetupSteps are the steps added by addSetupStep.
var extraSetupSteps []setupStep

// addSetupStep appends a step to `d2l setup` (and to the setup `d2l notebooks` runs).
func addSetupStep(s setupStep) { extraSetupSteps = append(extraSetupSteps, s) }

// setupState is shared by the steps of one setup run.
type setupState struct {
	// Root of the checkout.
	Root string
	// Log receives one line per action.
	Log io.Writer
	// Tools found after the tools steps.
	Tools harness.Tools
	// aptUpdated is set once `apt-get update` ran.
	aptUpdated bool
}

// aptPackage is a Debian package setup installs, known present by a file.
type aptPackage struct {
	name     string
	file     string // present when the package is installed (absolute path or a program on PATH)
	required bool   // the notebooks cannot run without it
	why      string
}

// aptPackages are the Debian packages setup installs when missing.
var aptPackages = []aptPackage{
	{"jupyter-nbconvert", "jupyter-nbconvert", true, "executes notebooks headless"},
	{"jupyter-notebook", "jupyter-notebook", false, "opens the notebooks interactively"},
	{"dataset-fashion-mnist", "/usr/share/datasets/fashion-mnist", false, "the data set of 6.6 LeNet"},
	// cgo links ONNX Runtime into d2l train and the 6.6 notebook; without it they run pure Go.
	{"gcc", "gcc", false, "C compiler for cgo (links ONNX Runtime)"},
	{"libc6-dev", "/usr/include/stdlib.h", false, "C headers for cgo"},
	// draw renders every figure's PNG form with the system's fonts: DejaVu Sans for Latin text
	// and a CJK font for the Chinese titles (without one, Chinese characters are drawn as boxes).
	{"fonts-dejavu-core", "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf", false, "font of the figures' PNG form"},
	{"fonts-wqy-microhei", "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc", false, "Chinese font of the figures' PNG form"},
	// d2l grade runs every student's test process in a bubblewrap sandbox.
	{"bubblewrap", "bwrap", false, "the sandbox of d2l grade"},
}

// present reports whether the package's marker file or program exists.
func (p aptPackage) present() bool {
	if filepath.IsAbs(p.file) {
		_, err := os.Stat(p.file)
		return err == nil
	}
	_, err := exec.LookPath(p.file)
	return err == nil
}

// setupApt installs the missing Debian packages with apt-get when running as root (or
// with sudo when it needs no password), and otherwise prints the command to run.
func setupApt(ctx context.Context, s *setupState) (string, error) {
	var missing []string
	required := false
	for _, p := range aptPackages {
		if !p.present() {
			missing = append(missing, p.name)
			required = required || p.required
		}
	}
	if len(missing) == 0 {
		return "", nil
	}
	cmdline := "apt-get install -y --no-install-recommends " + strings.Join(missing, " ")
	_, aptErr := exec.LookPath("apt-get")
	// As root run apt-get; otherwise through sudo when it needs no password.
	var sudo []string
	if os.Geteuid() != 0 && aptErr == nil && exec.CommandContext(ctx, "sudo", "-n", "true").Run() == nil {
		sudo = []string{"sudo", "-n"}
	}
	if (os.Geteuid() != 0 && sudo == nil) || aptErr != nil {
		msg := fmt.Sprintf("missing Debian packages %s; install them with:\n    sudo apt-get update && sudo %s", strings.Join(missing, ", "), cmdline)
		if required {
			return "", fmt.Errorf("%s", msg)
		}
		fmt.Fprintf(s.Log, "setup: note: %s\n", msg)
		return "", nil
	}
	apt := func(args ...string) error {
		cmd := append(append(sudo, "env", "DEBIAN_FRONTEND=noninteractive", "apt-get"), args...)
		return runLogged(ctx, s.Log, "", nil, cmd[0], cmd[1:]...)
	}
	if !s.aptUpdated {
		if err := apt("update"); err != nil {
			return "", err
		}
		s.aptUpdated = true
	}
	if err := apt(append([]string{"install", "-y", "--no-install-recommends"}, missing...)...); err != nil {
		return "", err
	}
	return "installed " + strings.Join(missing, " "), nil
}

// goTools are the programs of tools/ that the notebooks need: the kernel, and the two
// programs GoNB runs (goimports on every cell, gopls for completion and documentation).
var goTools = []string{"gonb", "goimports", "gopls"}

// setupGoTools installs gonb, goimports and gopls from the tools/ module (the versions it
// pins) when one is missing, and builds gonb again when the installed one is not the build
// the notebooks expect (gonbStale).
func setupGoTools(ctx context.Context, s *setupState) (string, error) {
	var missing []string
	for _, name := range goTools {
		if _, err := harness.FindTool(name); err != nil {
			missing = append(missing, name)
		}
	}
	wantGo, err := goVersion(ctx, s.Root)
	if err != nil {
		return "", err
	}
	wantGonb, err := pinnedVersion(filepath.Join(s.Root, "tools", "go.mod"), "github.com/janpfeifer/gonb")
	if err != nil {
		return "", err
	}
	stale := ""
	if p, err := harness.FindTool("gonb"); err == nil {
		stale = gonbStale(p, wantGo, wantGonb)
	}
	note := ""
	if len(missing) > 0 || stale != "" {
		// The tools are built without GOEXPERIMENT (they need no SIMD kernels) and with the
		// toolchain go.mod names, so that gonb reports the Go version the notebooks were
		// executed with.
		env := []string{"GOEXPERIMENT=", "GOTOOLCHAIN=" + wantGo}
		if err := runLogged(ctx, s.Log, "", env, "go", "-C", filepath.Join(s.Root, "tools"), "install", "tool"); err != nil {
			return "", err
		}
		if len(missing) > 0 {
			note = "installed " + strings.Join(missing, ", ") + " (go -C tools install tool)"
		} else {
			note = "rebuilt gonb (" + stale + ")"
		}
		if p, err := harness.FindTool("gonb"); err == nil {
			if still := gonbStale(p, wantGo, wantGonb); still != "" {
				return "", fmt.Errorf("d2l setup: gonb: got %s after go -C tools install tool, want %s built by %s: %s comes first on PATH; remove it or put $(go env GOPATH)/bin before it", still, wantGonb, wantGo, p)
			}
		}
	}
	t, err := harness.FindTools()
	s.Tools = t
	return note, err
}

// goVersion is the Go version (go env GOVERSION, "go1.27.3") of root's toolchain.
func goVersion(ctx context.Context, root string) (string, error) {
	cmd := exec.CommandContext(ctx, "go", "env", "GOVERSION")
	cmd.Dir = root
	out, err := cmd.Output()
	if err != nil {
		return "", fmt.Errorf("d2l setup: go env GOVERSION in %s: %w", root, err)
	}
	return strings.TrimSpace(string(out)), nil
}

// pinnedVersion is the version of module mod that the go.mod file at path requires, in a
// require block or on a require line of its own.
func pinnedVersion(path, mod string) (string, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return "", fmt.Errorf("d2l setup: %w", err)
	}
	for _, line := range strings.Split(string(data), "\n") {
		f := strings.Fields(line)
		if len(f) > 0 && f[0] == "require" {
			f = f[1:]
		}
		if len(f) >= 2 && f[0] == mod {
			return f[1], nil
		}
	}
	return "", fmt.Errorf("d2l setup: %s: got no requirement of %s, want one", path, mod)
}

// gonbStale says why the gonb binary at path must be built again, or "" when it need not.
// Jupyter Notebook marks a notebook as changed as soon as it opens when the language_info
// the kernel reports differs from the notebook's, and GoNB reports the Go that built it,
// experiments included ("go1.27.3 X:simd" when built with GOEXPERIMENT=simd).
func gonbStale(path, wantGo, wantGonb string) string {
	bi, err := buildinfo.ReadFile(path)
	if err != nil {
		return "no build information: " + err.Error()
	}
	return staleReason(bi.GoVersion, bi.Main.Version, wantGo, wantGonb)
}

// staleReason compares a build's Go version and module version with the wanted ones.
func staleReason(goVersion, modVersion, wantGo, wantMod string) string {
	var why []string
	if modVersion != wantMod {
		why = append(why, fmt.Sprintf("version %s, want %s", modVersion, wantMod))
	}
	if goVersion != wantGo {
		why = append(why, fmt.Sprintf("built by %s, want %s without GOEXPERIMENT", goVersion, wantGo))
	}
	return strings.Join(why, "; ")
}

// setupKernel installs the d2l-go kernel (harness.Tools.Kernel) of this checkout into the
// harness's private Jupyter data directory (plain-text errors) and into the user's own
// Jupyter, replacing an older one (another checkout's, or one made for another toolchain).
func setupKernel(_ context.Context, s *setupState) (string, error) {
	var notes []string
	private := harness.JupyterDataDir(s.Root)
	spec, err := s.Tools.Kernel(s.Root, true)
	if err != nil {
		return "", err
	}
	if !harness.KernelInstalled(private, spec) {
		if err := harness.InstallKernel(private, spec); err != nil {
			return "", err
		}
		notes = append(notes, "kernel "+harness.KernelName+" installed in "+private)
	}
	if userDir := userJupyterDataDir(); userDir != "" {
		spec, err := s.Tools.Kernel(s.Root, false)
		if err != nil {
			return "", err
		}
		if !harness.KernelInstalled(userDir, spec) {
			before := ""
			if old, err := harness.InstalledKernel(userDir); err == nil {
				if r, _ := old.Metadata[harness.KernelName].(map[string]any)["root"].(string); r != "" && r != s.Root {
					before = " (it served " + r + " before)"
				}
			}
			if err := harness.InstallKernel(userDir, spec); err != nil {
				return "", err
			}
			notes = append(notes, fmt.Sprintf("kernel %q (%s) installed for your Jupyter in %s: it serves %s%s",
				harness.KernelName, harness.KernelDisplayName, userDir, s.Root, before))
		}
	}
	return strings.Join(notes, "; "), nil
}

// notebookPackages are the packages the notebooks import (6.6 imports backends/onnxrt).
var notebookPackages = []string{"./d2l", "./draw", "./backends/onnxrt"}

// setupPrebuild compiles notebookPackages as the kernel's cells build them (its GOFLAGS,
// GOEXPERIMENT and toolchain), so that the first cell of a notebook on a fresh machine finds
// GoMLX in Go's build cache instead of compiling it for a minute or more; with the cache warm
// it takes a fraction of a second.
func setupPrebuild(ctx context.Context, s *setupState) (string, error) {
	spec, err := s.Tools.Kernel(s.Root, false)
	if err != nil {
		return "", err
	}
	var env []string
	for k, v := range spec.Env {
		env = append(env, k+"="+strings.ReplaceAll(v, "${PATH}", os.Getenv("PATH")))
	}
	start := time.Now()
	cmd := exec.CommandContext(ctx, "go", append([]string{"build"}, notebookPackages...)...)
	cmd.Dir = s.Root
	cmd.Env = append(os.Environ(), env...)
	if out, err := cmd.CombinedOutput(); err != nil {
		return "", fmt.Errorf("go build %s with the kernel's environment: %w: %s", strings.Join(notebookPackages, " "), err, strings.TrimSpace(string(out)))
	}
	if d := time.Since(start); d > 10*time.Second {
		return fmt.Sprintf("compiled the notebooks' packages as the kernel builds them (%.0f s, once)", d.Seconds()), nil
	}
	return "", nil
}

// userJupyterDataDir is where `jupyter notebook` looks for kernels by default:
// $JUPYTER_DATA_DIR, else $XDG_DATA_HOME/jupyter, else ~/.local/share/jupyter.
func userJupyterDataDir() string {
	if d := os.Getenv("JUPYTER_DATA_DIR"); d != "" {
		return d
	}
	if d := os.Getenv("XDG_DATA_HOME"); d != "" {
		return filepath.Join(d, "jupyter")
	}
	home, err := os.UserHomeDir()
	if err != nil {
		return ""
	}
	return filepath.Join(home, ".local", "share", "jupyter")
}

// setupORT makes sure libonnxruntime.so.1 is available for the ONNX Runtime backend, which
// programs importing backends/onnxrt (d2l train, the 6.6 notebook) run by default when it is;
// without it they fall back to pure Go.
func setupORT(ctx context.Context, _ *setupState) (string, error) {
	if ortlib.Find() != "" {
		return "", nil
	}
	path, err := ortlib.Install(ctx)
	if err != nil {
		return "", err
	}
	return "ONNX Runtime installed in " + path, nil
}

// runLogged runs a command with its output on log, in dir ("" = current), with extra env.
func runLogged(ctx context.Context, log io.Writer, dir string, env []string, name string, args ...string) error {
	fmt.Fprintf(log, "setup: running %s %s\n", name, strings.Join(args, " "))
	cmd := exec.CommandContext(ctx, name, args...)
	cmd.Dir = dir
	cmd.Stdout, cmd.Stderr = log, log
	cmd.Env = append(os.Environ(), env...)
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("%s %s: %w", name, strings.Join(args, " "), err)
	}
	return nil
}

// doSetup runs every setup step; it prints one line per action and, unless quiet, a
// final summary. Required steps that fail make it fail; optional ones print a warning.
func doSetup(ctx context.Context, root string, log io.Writer, quiet bool) (*setupState, error) {
	s := &setupState{Root: root, Log: log}
	steps := append([]setupStep{
		{Name: "Debian packages", Run: setupApt},
		{Name: "gonb, goimports and gopls", Run: setupGoTools},
		{Name: "d2l-go kernel", Run: setupKernel},
		{Name: "notebook packages", Optional: true, Run: setupPrebuild},
	}, extraSetupSteps...)
	for _, st := range steps {
		note, err := st.Run(ctx, s)
		switch {
		case err != nil && st.Optional:
			fmt.Fprintf(log, "setup: warning: %s: %v\n", st.Name, err)
		case err != nil:
			return s, fmt.Errorf("setup %s: %w", st.Name, err)
		case note != "":
			fmt.Fprintf(log, "setup: %s\n", note)
		}
	}
	if !quiet {
		fmt.Fprintf(log, "setup: ready: nbconvert %s, gonb %s, goimports %s, gopls %s; Jupyter's kernel %q (%s) serves %s\n",
			s.Tools.Nbconvert, s.Tools.Gonb, s.Tools.Goimports, s.Tools.Gopls, harness.KernelName, harness.KernelDisplayName, root)
	}
	return s, nil
}

// runSetup implements `d2l setup`.
func runSetup(ctx context.Context, args []string) error {
	c := commands["setup"]
	fs := flags(c, os.Stderr)
	quiet := fs.Bool("q", false, "print only what is installed and warnings")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("%w: unexpected arguments %q", errUsage, fs.Args())
	}
	root, err := harness.RepoRoot(".")
	if err != nil {
		return err
	}
	_, err = doSetup(ctx, root, os.Stdout, *quiet)
	return err
}
