package harness

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/d2l-go/d2l-go/internal/literate"
	"github.com/d2l-go/d2l-go/internal/notebook"
)

// Runner executes notebooks with jupyter nbconvert and the GoNB kernel.
type Runner struct {
	// Tools to run; see FindTools.
	Tools Tools
	// Root is the checkout whose packages the notebooks import (the kernel's Go workspace).
	Root string
	// DataDir is the private Jupyter data directory holding the d2l-go kernel (with raw errors).
	DataDir string
	// OutDir receives the executed notebooks and nbconvert's logs (NAME.log).
	OutDir string
	// CellTimeout bounds each cell (nbconvert's ExecutePreprocessor.timeout); 0 means 10 minutes.
	CellTimeout time.Duration
}

// Executed is the result of executing one notebook.
type Executed struct {
	// Notebook as executed (nil when nbconvert produced nothing).
	Notebook *notebook.Notebook
	// Path of the executed copy in Runner.OutDir.
	Path string
	// Log is the path of nbconvert's and the kernel's log.
	Log string
	// Elapsed is the wall time of nbconvert, kernel start included.
	Elapsed time.Duration
}

// PrepareKernel installs the d2l-go kernel of r.Root, with raw errors (Tools.Kernel), into
// r.DataDir unless an identical one is there.
func (r *Runner) PrepareKernel() error {
	if r.Root == "" {
		return fmt.Errorf("harness.PrepareKernel: Runner.Root: got \"\", want the checkout the notebooks import")
	}
	spec, err := r.Tools.Kernel(r.Root, true)
	if err != nil {
		return err
	}
	if KernelInstalled(r.DataDir, spec) {
		return nil
	}
	return InstallKernel(r.DataDir, spec)
}

// Execute runs the notebook at path (its directory becomes the kernel's working directory,
// i.e. $GONB_DIR) and returns the executed copy, written to OutDir under the same name.
// The error is set only when no executed notebook could be read (nbconvert failed,
// a cell timed out, ctx ended); failures inside cells show in the notebook's outputs.
func (r *Runner) Execute(ctx context.Context, path string) (*Executed, error) {
	if err := os.MkdirAll(r.OutDir, 0o755); err != nil {
		return nil, fmt.Errorf("harness.Execute: %w", err)
	}
	timeout := r.CellTimeout
	if timeout <= 0 {
		timeout = 10 * time.Minute
	}
	base := filepath.Base(path)
	outDir, err := filepath.Abs(r.OutDir)
	if err != nil {
		return nil, fmt.Errorf("harness.Execute: %w", err)
	}
	res := &Executed{
		Path: filepath.Join(outDir, base),
		Log:  filepath.Join(outDir, strings.TrimSuffix(base, ".ipynb")+".log"),
	}
	if in, err := filepath.Abs(path); err == nil && in != res.Path {
		_ = os.Remove(res.Path) // a stale copy must not pass for this run's
	}
	cmd := exec.CommandContext(ctx, r.Tools.Nbconvert,
		"--to", "notebook", "--execute", "--allow-errors",
		fmt.Sprintf("--ExecutePreprocessor.timeout=%d", int(timeout.Seconds())),
		"--ExecutePreprocessor.kernel_name="+KernelName,
		"--stdout", path)
	// When ctx ends: SIGINT to nbconvert's group (nbconvert then shuts its kernel down), SIGKILL
	// to the group after WaitDelay, and in any case every process of this run that is left
	// (the kernel runs in a session of its own) is killed once nbconvert has ended: see procs.go.
	marker := newRunMarker()
	cmd.Env = append(r.Tools.Env(r.DataDir), RunMarkerEnv+"="+marker)
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	cmd.Cancel = func() error { return syscall.Kill(-cmd.Process.Pid, syscall.SIGINT) }
	cmd.WaitDelay = 5 * time.Second
	// The executed notebook comes on stdout and is parsed from memory: the test cache of
	// `go test` then does not see a freshly written file read back (which would make the
	// notebook tests uncacheable); nbconvert's and the kernel's logs come on stderr. The pipes
	// are os.Pipe files, so that cmd.Wait returns when nbconvert ends even if a kernel it left
	// behind still holds them; killMarked then closes them.
	var out, log bytes.Buffer
	copied, closeWriters, err := pipeTo(cmd, &out, &log)
	if err != nil {
		return nil, fmt.Errorf("harness.Execute: %w", err)
	}
	start := time.Now()
	runErr := cmd.Start()
	closeWriters()
	if runErr == nil {
		runErr = cmd.Wait()
	}
	killMarked(marker)
	copied.Wait()
	res.Elapsed = time.Since(start)
	_ = os.WriteFile(res.Log, log.Bytes(), 0o644)
	if runErr != nil && ctx.Err() != nil {
		return res, fmt.Errorf("harness.Execute %s: stopped after %s: %w", base, res.Elapsed.Round(time.Millisecond), ctx.Err())
	}
	if runErr != nil {
		return res, fmt.Errorf("harness.Execute %s: nbconvert: %w after %s: %s (full log: %s)",
			base, runErr, res.Elapsed.Round(time.Millisecond), lastError(log.String()), res.Log)
	}
	if err := os.WriteFile(res.Path, out.Bytes(), 0o644); err != nil {
		return res, fmt.Errorf("harness.Execute %s: %w", base, err)
	}
	nb, err := notebook.Parse(out.Bytes())
	if err != nil {
		return res, fmt.Errorf("harness.Execute %s: executed notebook: %w (log: %s)", base, err, res.Log)
	}
	res.Notebook = nb
	return res, nil
}

// lastError picks the most telling line of an nbconvert log: the last line that names an
// error, exception, timeout or warning, else the last line that is not one of the kernel's
// info log lines.
func lastError(log string) string {
	lines := strings.Split(strings.TrimSpace(log), "\n")
	isInfo := func(l string) bool { return len(l) > 5 && l[0] == 'I' && l[1] >= '0' && l[1] <= '9' }
	for i := len(lines) - 1; i >= 0; i-- {
		l := strings.TrimSpace(lines[i])
		if !isInfo(l) && telling.MatchString(l) {
			return l
		}
	}
	for i := len(lines) - 1; i >= 0; i-- {
		if l := strings.TrimSpace(lines[i]); l != "" && !isInfo(l) {
			return l
		}
	}
	return "(empty log)"
}

// telling matches log lines worth showing.
var telling = regexp.MustCompile(`(?i)error|exception|timed? ?out|warning|no such|not found|died`)

// Result is the outcome of executing and checking one notebook.
type Result struct {
	// Name of the notebook, e.g. "6.2-conv-layer".
	Name string
	// Executed notebook (nil when execution failed).
	Executed *Executed
	// Problems found; none means OK.
	Problems []Problem
	// Err is set when the notebook could not be executed at all.
	Err error
}

// OK reports whether the notebook ran and every check passed.
func (r *Result) OK() bool { return r.Err == nil && len(r.Problems) == 0 }

// Summary is one line: "OK NAME (12.3s)" or "FAIL NAME ..." with the first problem
// (which may span a few lines).
func (r *Result) Summary() string {
	secs := ""
	if r.Executed != nil {
		secs = fmt.Sprintf(" (%.1fs)", r.Executed.Elapsed.Seconds())
	}
	switch {
	case r.Err != nil:
		return fmt.Sprintf("FAIL %s%s: %v", r.Name, secs, r.Err)
	case len(r.Problems) > 0:
		more := ""
		if len(r.Problems) > 1 {
			more = fmt.Sprintf("\n    (%d more problems)", len(r.Problems)-1)
		}
		return fmt.Sprintf("FAIL %s%s %s%s", r.Name, secs, r.Problems[0], more)
	}
	return fmt.Sprintf("OK %s%s", r.Name, secs)
}

// RunAndCheck executes the notebook at path and checks it against doc.
func (r *Runner) RunAndCheck(ctx context.Context, doc *literate.Doc, path string, opt CheckOptions) *Result {
	res := &Result{Name: strings.TrimSuffix(filepath.Base(path), ".ipynb")}
	ex, err := r.Execute(ctx, path)
	res.Executed = ex
	if err != nil {
		res.Err = err
		return res
	}
	res.Problems = Check(doc, ex.Notebook, opt)
	return res
}

// ErrNoTools is wrapped by errors about missing tools.
var ErrNoTools = errors.New("missing tools")

// RunAll executes and checks the notebooks of docs (in project p), jobs at a time, and
// returns their results in the order of docs. Later sections start first: they tend to
// be the long ones (6.6 trains a network), so the short ones fill the other slots
// meanwhile. done, if not nil, is called with each index and result as soon as the result
// is ready (from a worker's goroutine).
func (r *Runner) RunAll(ctx context.Context, p Project, docs []*literate.Doc, jobs int, done func(i int, res *Result)) []*Result {
	results := make([]*Result, len(docs))
	queue := make(chan int, len(docs))
	for i := len(docs) - 1; i >= 0; i-- {
		queue <- i
	}
	close(queue)
	var wg sync.WaitGroup
	for range max(jobs, 1) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range queue {
				d := docs[i]
				results[i] = r.RunAndCheck(ctx, d, p.NotebookPath(d), CheckOptions{Gen: p.GenOptions(d)})
				if done != nil {
					done(i, results[i])
				}
			}
		}()
	}
	wg.Wait()
	return results
}
