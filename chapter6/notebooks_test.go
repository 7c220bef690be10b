package chapter6_test

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/d2l-go/d2l-go/d2l"
	"github.com/d2l-go/d2l-go/internal/harness"
	"github.com/d2l-go/d2l-go/internal/literate"
	"github.com/d2l-go/d2l-go/internal/notebook"
)

// project returns the checkout's layout and its parsed sources. It also stats every file
// the notebooks depend on (the Go files of the module's packages, the sources, the
// notebooks, go.mod and go.sum), so that `go test` does not serve a cached result after a
// change to any of them: the kernel's own reads are invisible to the test cache. It lists
// the package directories with `go list` rather than walking the root, whose listing
// changes with build/ and .git/ and would defeat the cache.
func project(t *testing.T) (harness.Project, []*literate.Doc) {
	t.Helper()
	root, err := harness.RepoRoot(".")
	require.NoError(t, err)
	cmd := exec.Command("go", "list", "-f", "{{.Dir}}", "./...")
	cmd.Dir = root
	out, err := cmd.Output()
	require.NoError(t, err, "go list ./...")
	dirs := append(strings.Fields(string(out)), filepath.Join(root, "notebooks"))
	for _, dir := range dirs {
		entries, _ := os.ReadDir(dir)
		for _, e := range entries {
			switch filepath.Ext(e.Name()) {
			case ".go", ".md", ".ipynb":
				_, _ = os.Stat(filepath.Join(dir, e.Name()))
			}
		}
	}
	_, _ = os.Stat(filepath.Join(root, "go.mod"))
	_, _ = os.Stat(filepath.Join(root, "go.sum"))
	p := harness.Project{Root: root}
	docs, err := p.Docs()
	require.NoError(t, err)
	return p, docs
}

// TestInSync checks that every committed notebook is exactly what `d2l gen` makes of its
// source (cells, ids, metadata, formatting), and that no notebook lacks a source.
func TestInSync(t *testing.T) {
	p, docs := project(t)
	names := map[string]bool{}
	for _, d := range docs {
		names[d.Name+".ipynb"] = true
		t.Run(d.Name, func(t *testing.T) {
			_, want, err := p.Generate(d)
			require.NoError(t, err)
			got, err := os.ReadFile(p.NotebookPath(d))
			require.NoError(t, err, "notebook of chapter6/%s.md is missing: run `go run ./cmd/d2l notebooks -write`", d.Name)
			assert.True(t, string(got) == string(want),
				"notebooks/%s.ipynb is out of sync with chapter6/%s.md: run `go run ./cmd/d2l gen` (or `notebooks -write`)", d.Name, d.Name)
		})
	}
	nbs, err := filepath.Glob(filepath.Join(p.Root, "notebooks", "*.ipynb"))
	require.NoError(t, err)
	for _, nb := range nbs {
		assert.True(t, names[filepath.Base(nb)], "%s has no source chapter6/%s.md", nb, strings.TrimSuffix(filepath.Base(nb), ".ipynb"))
	}
}

// TestCommittedOutputs checks the outputs stored in the committed notebooks against the
// expected outputs of their sources, without executing anything.
func TestCommittedOutputs(t *testing.T) {
	p, docs := project(t)
	for _, d := range docs {
		t.Run(d.Name, func(t *testing.T) {
			nb, err := notebook.ReadFile(p.NotebookPath(d))
			require.NoError(t, err)
			for _, c := range nb.Cells {
				if c.Type == notebook.Code && c.ExecutionCount == nil {
					t.Fatalf("notebooks/%s.ipynb is not executed (cell %q): run `go run ./cmd/d2l notebooks -write`", d.Name, c.ID)
				}
			}
			for _, pr := range harness.Check(d, nb, harness.CheckOptions{Gen: p.GenOptions(d)}) {
				t.Errorf("notebooks/%s.ipynb %s", d.Name, pr)
			}
		})
	}
}

// TestExecute executes every notebook headless and checks its outputs. Without jupyter or
// gonb it is skipped (failed when $CI is set); -short skips it. $D2L_NOTEBOOK_JOBS sets
// how many notebooks run at once (default 2: about 20% faster than 1 on 2 cores).
// $D2L_EPOCHS (read by d2l.TrainCh6 in 6.6's training cell) is 2 unless set: the book's 10
// epochs of LeNet would take most of the package's time budget on 2 cores; the committed
// notebook is the full run, which TestLeNetFullRun checks.
// Executed copies and logs stay in $TMPDIR/d2l-go-test-notebooks/<hash of the root>.
func TestExecute(t *testing.T) {
	if testing.Short() {
		t.Skip("executes notebooks; skipped with -short")
	}
	p, docs := project(t)
	if len(docs) == 0 {
		t.Skip("no notebook sources in chapter6/")
	}
	tools := harness.RequireTools(t)
	if os.Getenv(d2l.EpochsEnv) == "" {
		t.Setenv(d2l.EpochsEnv, "2")
	}
	jobs := 2
	if v := os.Getenv("D2L_NOTEBOOK_JOBS"); v != "" {
		n, err := strconv.Atoi(v)
		require.NoError(t, err, "D2L_NOTEBOOK_JOBS")
		jobs = max(n, 1)
	}
	// The executed copies go outside the module: files the test writes inside it would be
	// recorded as inputs too new to cache (go test then reruns the test every time).
	sum := sha256.Sum256([]byte(p.Root))
	outDir := filepath.Join(os.TempDir(), "d2l-go-test-notebooks", hex.EncodeToString(sum[:4]))
	r := &harness.Runner{
		Tools: tools, Root: p.Root, DataDir: harness.JupyterDataDir(p.Root),
		OutDir: outDir, CellTimeout: 10 * time.Minute,
	}
	require.NoError(t, r.PrepareKernel())
	ctx := context.Background()
	if deadline, ok := t.Deadline(); ok {
		var cancel context.CancelFunc
		ctx, cancel = context.WithDeadline(ctx, deadline.Add(-10*time.Second))
		defer cancel()
	}
	results := r.RunAll(ctx, p, docs, jobs, nil)
	for i, d := range docs {
		res := results[i]
		t.Run(d.Name, func(t *testing.T) {
			t.Log(res.Summary())
			if !res.OK() && res.Executed != nil {
				t.Logf("executed copy: %s, log: %s", res.Executed.Path, res.Executed.Log)
			}
			require.NoError(t, res.Err)
			for _, pr := range res.Problems {
				t.Errorf("%s", pr)
			}
		})
	}
}
