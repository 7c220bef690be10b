package main

import (
	"context"
	"encoding/json"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/d2l-go/d2l-go/internal/grader"
)

// TestCheckScoresAsGrade: in the students' release, `d2l check` of a section
// with a file that does not compile, a solved file and an untouched Go file
// whose notebook cell was solved scores every exercise as grading does with
// the public tests — the broken file costs its exercise only, the notebook's
// cell is read — and says so.
func TestCheckScoresAsGrade(t *testing.T) {
	if testing.Short() {
		t.Skip("writes the release, checks it and grades it; skipped with -short")
	}
	if _, err := os.Stat("../../solutions"); err != nil {
		t.Skip("not an instructor checkout (no solutions/)")
	}
	wd, err := os.Getwd()
	require.NoError(t, err)
	repo := filepath.Join(wd, "..", "..")
	l := grader.NewLayout(repo)
	cat, err := grader.LoadCatalog(l.Solutions, l.Hidden)
	require.NoError(t, err)
	dist := filepath.Join(t.TempDir(), "dist")
	require.NoError(t, os.Chdir(repo))
	err = runRelease(context.Background(), []string{"-out", dist})
	require.NoError(t, os.Chdir(wd))
	require.NoError(t, err)

	sec := filepath.Join(dist, "exercises", "sec63")
	require.NoError(t, os.WriteFile(filepath.Join(sec, "out_shape.go"),
		[]byte("package sec63\n\nfunc ConvOutputShape(h, w, kh, kw, ph, pw, sh, sw int) (oh, ow int) {\n\treturn h, w, 0\n}\n"), 0o644))
	ref, err := os.ReadFile(filepath.Join(l.Solutions, "sec63", "mirror_pad.go"))
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(filepath.Join(sec, "mirror_pad.go"), grader.RewriteImports(ref), 0o644))
	writeNotebookCell(t, filepath.Join(dist, "notebooks", "exercises", "6.3-exercises.ipynb"), l, "6.3-2", "strided.go")

	ids := []string{"6.3-1", "6.3-2", "6.3-4"}
	require.NoError(t, os.Chdir(filepath.Join(dist, "exercises")))
	out, err := captureStdout(func() error { return runCheck(context.Background(), ids) })
	require.NoError(t, os.Chdir(wd))
	require.Error(t, err, "6.3-1 fails")
	t.Logf("d2l check:\n%s", out)
	assert.Contains(t, out, "reading sec63/strided.go from the notebook")
	assert.Contains(t, out, "only those exercises lose their points")
	checked := map[string]string{}
	for _, m := range regexp.MustCompile(`(?m)^(?:PASS|FAIL) (\S+) .*?  (\d+/\d+) points`).FindAllStringSubmatch(out, -1) {
		checked[m[1]] = m[2]
	}

	// Grading the same files (public tests only) gives the same points.
	student := filepath.Join(t.TempDir(), "student")
	copyFiles(t, sec, filepath.Join(student, "exercises", "sec63"), nil)
	copyFiles(t, filepath.Join(dist, "notebooks", "exercises"), filepath.Join(student, "notebooks"), func(n string) bool { return n == "6.3-exercises.ipynb" })
	sub, err := grader.LoadSubmission(student, cat)
	require.NoError(t, err)
	res, err := grader.GradeSubmission(context.Background(), sub, grader.Options{Layout: l, Catalog: cat, Reference: true, Only: ids, TestTimeout: 10 * time.Second})
	require.NoError(t, err)
	graded := map[string]string{}
	for _, e := range res.Exercises {
		graded[e.ID] = itoa(e.Score) + "/" + itoa(e.Max)
	}
	assert.Equal(t, map[string]string{"6.3-1": "0/2", "6.3-2": "3/3", "6.3-4": "4/4"}, graded, "%s", grader.Feedback(res))
	assert.Equal(t, graded, checked)
}

func itoa(i int) string { b, _ := json.Marshal(i); return string(b) }

// writeNotebookCell puts the reference of an exercise into its solution cell.
func writeNotebookCell(t *testing.T, path string, l grader.Layout, id, file string) {
	t.Helper()
	b, err := os.ReadFile(path)
	require.NoError(t, err)
	var nb map[string]any
	require.NoError(t, json.Unmarshal(b, &nb))
	src, err := os.ReadFile(filepath.Join(l.Solutions, "sec63", file))
	require.NoError(t, err)
	found := false
	for _, c := range nb["cells"].([]any) {
		cell := c.(map[string]any)
		meta, _ := cell["metadata"].(map[string]any)
		if d, _ := meta["d2l"].(map[string]any); d["role"] == "solution" && d["exercise"] == id {
			cell["source"] = strings.SplitN(string(grader.RewriteImports(src)), "\n", 2)[1]
			found = true
		}
	}
	require.True(t, found, "no solution cell of %s", id)
	b, err = json.MarshalIndent(nb, "", " ")
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(path, b, 0o644))
}

// captureStdout runs fn with os.Stdout going to a pipe and returns what it printed.
func captureStdout(fn func() error) (string, error) {
	stdout := os.Stdout
	r, w, err := os.Pipe()
	if err != nil {
		return "", err
	}
	os.Stdout = w
	done := make(chan string)
	go func() {
		b, _ := io.ReadAll(r)
		done <- string(b)
	}()
	ferr := fn()
	os.Stdout = stdout
	w.Close()
	return <-done, ferr
}
