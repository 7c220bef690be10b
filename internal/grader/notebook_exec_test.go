package grader

import (
	"context"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/d2l-go/d2l-go/internal/harness"
	"github.com/d2l-go/d2l-go/internal/notebook"
)

// TestNotebookExecutes runs the 6.5 exercise notebook in GoNB twice: with the
// reference in its solution cells the %test cell passes; as generated (stubs)
// it fails. Skipped with -short, and without jupyter/gonb unless $CI is set.
func TestNotebookExecutes(t *testing.T) {
	if testing.Short() {
		t.Skip("executes a notebook; skipped with -short")
	}
	tools := harness.RequireTools(t)
	l, _ := testLayout(t)
	// Mirror the checkout's layout in build/: notebooks/exercises/X.ipynb, with
	// notebooks/setup.sh and exercises/ reaching the real ones.
	require.NoError(t, os.MkdirAll(filepath.Join(l.Root, "build"), 0o755))
	base, err := os.MkdirTemp(filepath.Join(l.Root, "build"), "exercise-nb-")
	require.NoError(t, err)
	t.Cleanup(func() { _ = os.RemoveAll(base) })
	nbDir := filepath.Join(base, "notebooks", "exercises")
	require.NoError(t, os.MkdirAll(nbDir, 0o755))
	require.NoError(t, os.WriteFile(filepath.Join(base, "notebooks", "setup.sh"),
		[]byte("#!/usr/bin/env bash\nexec "+filepath.Join(l.Root, "notebooks", "setup.sh")+"\n"), 0o755))
	require.NoError(t, os.Symlink(l.Exercises, filepath.Join(base, "exercises")))

	src, err := notebook.ReadFile(filepath.Join(l.Notebooks, "6.5-exercises.ipynb"))
	require.NoError(t, err)
	solved, _ := notebook.ReadFile(filepath.Join(l.Notebooks, "6.5-exercises.ipynb"))
	for _, c := range solved.Cells {
		if m, ok := cellMeta(c); ok && m.Role == "solution" {
			b, err := os.ReadFile(filepath.Join(l.Solutions, m.Section, m.File))
			require.NoError(t, err)
			c.Source = cellBody(string(RewriteImports(b)))
		}
	}
	require.NoError(t, notebook.WriteFile(filepath.Join(nbDir, "solved.ipynb"), solved))
	require.NoError(t, notebook.WriteFile(filepath.Join(nbDir, "stub.ipynb"), src))
	// A student who solved only the first exercise: the other stubs panic, and every
	// exercise must still report PASS or FAIL with its points.
	first, _ := notebook.ReadFile(filepath.Join(l.Notebooks, "6.5-exercises.ipynb"))
	for _, c := range first.Cells {
		if m, ok := cellMeta(c); ok && m.Role == "solution" && m.Exercise == "6.5-1" {
			b, err := os.ReadFile(filepath.Join(l.Solutions, m.Section, m.File))
			require.NoError(t, err)
			c.Source = cellBody(string(RewriteImports(b)))
		}
	}
	require.NoError(t, notebook.WriteFile(filepath.Join(nbDir, "first.ipynb"), first))
	cat, err := LoadCatalog(l.Solutions, l.Hidden)
	require.NoError(t, err)
	var ids []string
	for _, e := range cat.Exercises {
		if e.Section == "sec65" && e.Kind == KindCode {
			ids = append(ids, e.ID)
		}
	}

	r := &harness.Runner{Tools: tools, DataDir: harness.JupyterDataDir(l.Root), OutDir: filepath.Join(base, "out"), CellTimeout: 5 * time.Minute}
	require.NoError(t, r.PrepareKernel())
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
	defer cancel()
	for name, wantPass := range map[string]bool{"solved": true, "stub": false, "first": false} {
		ex, err := r.Execute(ctx, filepath.Join(nbDir, name+".ipynb"))
		require.NoError(t, err, name)
		last := ex.Notebook.Cells[len(ex.Notebook.Cells)-1]
		var text strings.Builder
		for _, o := range last.Outputs {
			text.WriteString(o.Text + o.EValue + strings.Join(o.Traceback, "\n"))
		}
		out := text.String()
		t.Logf("%s: %s", name, firstLine(out)+" … "+out[max(0, len(out)-120):])
		if wantPass {
			require.Contains(t, out, "PASS", "%s: %%test output:\n%s\n(log %s)", name, out, ex.Log)
			require.NotContains(t, out, "FAIL", "%s: %%test output:\n%s", name, out)
		} else {
			require.Contains(t, out, "FAIL", "%s: %%test output:\n%s", name, out)
		}
		// The summary names every exercise, in the book's order, with its result.
		var lines []string
		for _, line := range strings.Split(out, "\n") {
			if strings.HasPrefix(line, "练习 ") {
				lines = append(lines, line)
			}
		}
		require.Len(t, lines, len(ids), "%s: one summary line per exercise:\n%s", name, out)
		for i, id := range ids {
			solvedHere := name == "solved" || (name == "first" && id == "6.5-1")
			verdict := "未通过"
			if solvedHere {
				verdict = "通过"
			}
			assert.Regexp(t, `^练习 `+regexp.QuoteMeta(id)+`\s+`+verdict+`\s`, lines[i], "%s: summary of %s", name, id)
		}
	}
}
