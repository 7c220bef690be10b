package harness_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/d2l-go/d2l-go/internal/harness"
	"github.com/d2l-go/d2l-go/internal/literate"
	"github.com/d2l-go/d2l-go/internal/notebook"
)

// TestExecute runs small notebooks through jupyter nbconvert and the d2l-go kernel: one that
// must pass (a new notebook, with no setup cell, that imports d2l and the exercises' helpers,
// prints a tensor and shows a picture, run from a shell whose PATH starts with a `go` that
// fails and whose $GOTOOLCHAIN is "local", as a student's shell may be: the kernel brings its
// own toolchain), one that must fail in four ways (broken setup, a panic, a mismatch, a
// declaration cell that does not compile, reported at its cell and line), and one whose cell
// never ends (stopped by the per-cell timeout).
func TestExecute(t *testing.T) {
	if testing.Short() {
		t.Skip("executes notebooks; skipped with -short")
	}
	tools := harness.RequireTools(t)
	root, err := harness.RepoRoot(".")
	require.NoError(t, err)
	// os.Mkdir, not MkdirAll: a stat of build/ (which changes) would defeat go test's cache.
	if err := os.Mkdir(filepath.Join(root, "build"), 0o755); err != nil && !os.IsExist(err) {
		require.NoError(t, err)
	}
	// os.Mkdir of a unique name rather than os.MkdirTemp, which opens build/: go test would
	// record build/'s listing as an input of the test and never reuse its cached result.
	dir := filepath.Join(root, "build", fmt.Sprintf("harness-test-%d-%d", os.Getpid(), time.Now().UnixNano()))
	require.NoError(t, os.Mkdir(dir, 0o755))
	t.Cleanup(func() { _ = os.RemoveAll(dir) })

	cases := []struct {
		source, setup string
		// wantCells maps a failing cell (1-based) to a text its problem must contain.
		wantCells map[int]string
	}{
		{"smoke.md", "", nil},
		{"broken.md", `!*"$GONB_DIR/no-such-setup.sh"`, map[int]string{
			1: `"exit status"`, // the setup cell fails loudly
			3: `"panic:"`,
			4: "first mismatch at line 1: got \"got this\", want \"want that\"",
			// GoNB (>= v0.11.4) maps a compile error in a declaration cell to the cell and line;
			// it names the cell by its execution count, In [4] (the markdown cell 2 has none).
			5: "(at Cell[4]: Line 2: undefined: undefinedName)",
		}},
	}
	r := &harness.Runner{Tools: tools, Root: root, DataDir: harness.JupyterDataDir(root), OutDir: filepath.Join(dir, "out"), CellTimeout: 5 * time.Minute}
	require.NoError(t, r.PrepareKernel())
	// A shell that would build nothing: its first `go` fails, and $GOTOOLCHAIN forbids switching.
	fake := filepath.Join(dir, "fakebin")
	require.NoError(t, os.Mkdir(fake, 0o755))
	require.NoError(t, os.WriteFile(filepath.Join(fake, "go"), []byte("#!/bin/sh\necho 'the go of the shell ran' >&2\nexit 1\n"), 0o755))
	t.Setenv("PATH", fake+string(os.PathListSeparator)+os.Getenv("PATH"))
	t.Setenv("GOTOOLCHAIN", "local")
	ctx, cancel := context.WithTimeout(context.Background(), 8*time.Minute)
	defer cancel()

	var wg sync.WaitGroup
	for _, tc := range cases {
		doc, err := literate.ReadFile(filepath.Join("testdata", tc.source))
		require.NoError(t, err)
		opt := literate.Options{Setup: tc.setup}
		path := filepath.Join(dir, doc.Name+".ipynb")
		require.NoError(t, notebook.WriteFile(path, doc.Notebook(opt)))
		wg.Add(1)
		go func() {
			defer wg.Done()
			res := r.RunAndCheck(ctx, doc, path, harness.CheckOptions{Gen: opt})
			t.Run(doc.Name, func(t *testing.T) {
				require.NoError(t, res.Err)
				t.Logf("%s", res.Summary())
				if tc.wantCells == nil {
					assert.True(t, res.OK(), "problems: %v", res.Problems)
					return
				}
				got := map[int]string{}
				for _, p := range res.Problems {
					got[p.Cell] += p.Msg + "\n"
				}
				for cell, want := range tc.wantCells {
					assert.Contains(t, got[cell], want, "cell %d", cell)
				}
				assert.True(t, strings.HasPrefix(res.Summary(), "FAIL broken"), res.Summary())
			})
		}()
	}
	// A cell that never ends: the per-cell timeout stops it and the result says so.
	wg.Add(1)
	go func() {
		defer wg.Done()
		doc, err := literate.ReadFile(filepath.Join("testdata", "hang.md"))
		if !assert.NoError(t, err) {
			return
		}
		opt := literate.Options{Setup: "!*true"}
		path := filepath.Join(dir, "hang.ipynb")
		if !assert.NoError(t, notebook.WriteFile(path, doc.Notebook(opt))) {
			return
		}
		quick := *r
		quick.CellTimeout = 3 * time.Second
		start := time.Now()
		res := quick.RunAndCheck(ctx, doc, path, harness.CheckOptions{Gen: opt})
		assert.Error(t, res.Err)
		assert.Contains(t, res.Summary(), "timed out")
		assert.Less(t, time.Since(start), 2*time.Minute)
	}()
	wg.Wait()
}
