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

// TestNotebookExecutes runs the 6.5 exercise notebook in GoNB (the d2l-go kernel, no setup
// cell) four ways: with the reference in its solution cells the %test cell passes; as
// generated (stubs) it fails; with only the first exercise solved, that one passes and the
// others fail; with only the first exercise solved and the other solution cells never run
// (a student who ran one cell, then %test), the %test cell still compiles, passes the first
// and reports the others as not run yet. Its output ends with the summary: no "exit status".
// Skipped with -short, and without jupyter/gonb unless $CI is set.
func TestNotebookExecutes(t *testing.T) {
	if testing.Short() {
		t.Skip("executes a notebook; skipped with -short")
	}
	tools := harness.RequireTools(t)
	l, _ := testLayout(t)
	// The notebooks run from a folder outside the checkout: the kernel needs nothing beside them.
	base := t.TempDir()
	nbDir := filepath.Join(base, "notebooks", "exercises")
	require.NoError(t, os.MkdirAll(nbDir, 0o755))

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
	// The same student who never ran the other solution cells: their cells are gone.
	only := &notebook.Notebook{Metadata: first.Metadata, Nbformat: first.Nbformat, NbformatMinor: first.NbformatMinor}
	for _, c := range first.Cells {
		if m, ok := cellMeta(c); ok && m.Role == "solution" && m.Exercise != "6.5-1" {
			continue
		}
		only.Cells = append(only.Cells, c)
	}
	require.NoError(t, notebook.WriteFile(filepath.Join(nbDir, "only-first.ipynb"), only))
	cat, err := LoadCatalog(l.Solutions, l.Hidden)
	require.NoError(t, err)
	var ids []string
	for _, e := range cat.Exercises {
		if e.Section == "sec65" && e.Kind == KindCode {
			ids = append(ids, e.ID)
		}
	}

	r := &harness.Runner{Tools: tools, Root: l.Root, DataDir: harness.JupyterDataDir(l.Root), OutDir: filepath.Join(base, "out"), CellTimeout: 5 * time.Minute}
	require.NoError(t, r.PrepareKernel())
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
	defer cancel()
	for name, wantPass := range map[string]bool{"solved": true, "stub": false, "first": false, "only-first": false} {
		ex, err := r.Execute(ctx, filepath.Join(nbDir, name+".ipynb"))
		require.NoError(t, err, name)
		last := ex.Notebook.Cells[len(ex.Notebook.Cells)-1]
		var text strings.Builder
		for _, o := range last.Outputs {
			text.WriteString(o.Text + o.EValue + strings.Join(o.Traceback, "\n"))
		}
		out := text.String()
		t.Logf("%s:\n%s", name, out)
		for _, o := range last.Outputs {
			assert.NotEqual(t, notebook.Error, o.Type, "%s: the %%test cell ends without an error: %s", name, o.EValue)
		}
		assert.NotContains(t, out, "exit status", name)
		assert.NotContains(t, out, "undefined:", "%s: the %%test cell compiles", name)
		lastLine := out[strings.LastIndex(strings.TrimRight(out, "\n"), "\n")+1:]
		assert.True(t, strings.HasPrefix(lastLine, "公开测试共 "), "%s: the output ends with the summary's total, got %q", name, lastLine)
		if wantPass || name == "only-first" {
			require.NotContains(t, out, "--- FAIL", "%s: %%test output:\n%s\n(log %s)", name, out, ex.Log)
		} else {
			require.Contains(t, out, "--- FAIL", "%s: a failing test says why:\n%s", name, out)
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
			solvedHere := name == "solved" || (strings.Contains(name, "first") && id == "6.5-1")
			verdict := "未通过"
			switch {
			case solvedHere:
				verdict = "通过"
			case name == "only-first":
				verdict = "还没运行"
			}
			assert.Regexp(t, `^练习 `+regexp.QuoteMeta(id)+`\s+`+verdict+`\s`, lines[i], "%s: summary of %s", name, id)
		}
	}
}
