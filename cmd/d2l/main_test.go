package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/d2l-go/d2l-go/internal/grader"
	"github.com/d2l-go/d2l-go/internal/literate"
	"github.com/d2l-go/d2l-go/internal/notebook"
)

func TestRunDispatch(t *testing.T) {
	for _, tc := range []struct {
		name     string
		args     []string
		wantCode int
		wantOut  string
	}{
		{"no args", nil, 2, "usage: go run ./cmd/d2l <command>"},
		{"help", []string{"help"}, 0, "notebooks"},
		{"help of a command", []string{"help", "gen"}, 0, "-check"},
		{"unknown", []string{"frobnicate"}, 2, `d2l: unknown command "frobnicate"`},
		{"bad flag", []string{"gen", "-nope"}, 2, "flag provided but not defined: -nope"},
		{"extra args", []string{"gen", "x"}, 2, `d2l gen: unexpected arguments ["x"]`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var out bytes.Buffer
			// Commands print their own flag errors to os.Stderr; capture via the FlagSet output.
			stderr := os.Stderr
			r, w, err := os.Pipe()
			require.NoError(t, err)
			os.Stderr = w
			code := run(context.Background(), tc.args, &out)
			os.Stderr = stderr
			require.NoError(t, w.Close())
			var flagOut bytes.Buffer
			_, _ = flagOut.ReadFrom(r)
			assert.Equal(t, tc.wantCode, code)
			assert.Contains(t, out.String()+flagOut.String(), tc.wantOut)
		})
	}
}

func TestSelectDocs(t *testing.T) {
	docs := []*literate.Doc{{Name: "6.1-a"}, {Name: "6.2-b"}, {Name: "6.10-c"}}
	names := func(ds []*literate.Doc) []string {
		var n []string
		for _, d := range ds {
			n = append(n, d.Name)
		}
		return n
	}
	assert.Equal(t, []string{"6.1-a", "6.2-b", "6.10-c"}, names(selectDocs(docs, nil)))
	assert.Equal(t, []string{"6.2-b"}, names(selectDocs(docs, []string{"6.2"})))
	assert.Equal(t, []string{"6.1-a", "6.10-c"}, names(selectDocs(docs, []string{"6.1"})), "a prefix, as typed")
	assert.Empty(t, selectDocs(docs, []string{"7"}))
}

// TestAcceptOutputs: -accept records the outputs of failing cells in the source, leaves
// cells that panic alone, and the updated source then passes.
func TestAcceptOutputs(t *testing.T) {
	root := t.TempDir()
	require.NoError(t, os.MkdirAll(filepath.Join(root, "chapter6"), 0o755))
	src := filepath.Join(root, "chapter6", "6.9-demo.md")
	require.NoError(t, os.WriteFile(src, []byte("# Demo\n\n```go\n%%\nfmt.Println(1)\n```\n```output\n2\n```\n\n```go\n%%\npanic(1)\n```\n"), 0o644))
	doc, err := literate.ReadFile(src)
	require.NoError(t, err)
	p := projectAt(root)
	nb := doc.Notebook(p.GenOptions(doc))
	nb.Cells[1].Outputs = []*notebook.Output{{Type: notebook.Stream, Name: "stdout", Text: "1\n"}}
	nb.Cells[2].Outputs = []*notebook.Output{{Type: notebook.Stream, Name: "stderr", Text: "panic: 1\n"}}
	n, err := acceptOutputs(doc, nb, p)
	require.NoError(t, err)
	assert.Equal(t, 1, n)
	got, err := os.ReadFile(src)
	require.NoError(t, err)
	assert.Equal(t, "# Demo\n\n```go\n%%\nfmt.Println(1)\n```\n```output\n1\n```\n\n```go\n%%\npanic(1)\n```\n", string(got))
}

// TestGenKeepsHandEdits: `d2l gen` regenerates a notebook whose source changed, but not one
// whose cells someone changed in Jupyter (it says which, and fails), unless forced.
func TestGenKeepsHandEdits(t *testing.T) {
	root := t.TempDir()
	require.NoError(t, os.MkdirAll(filepath.Join(root, "chapter6"), 0o755))
	require.NoError(t, os.MkdirAll(filepath.Join(root, "notebooks"), 0o755))
	src := filepath.Join(root, "chapter6", "6.9-demo.md")
	write := func(code string) {
		require.NoError(t, os.WriteFile(src, []byte("# Demo\n\n```go\n%%\n"+code+"\n```\n"), 0o644))
	}
	write("fmt.Println(1)")
	p := projectAt(root)
	stale, err := genAll(p, true, false)
	require.NoError(t, err)
	assert.Equal(t, []string{"6.9-demo"}, stale)
	path := filepath.Join(root, "notebooks", "6.9-demo.ipynb")

	// The source changes: the notebook follows it.
	write("fmt.Println(2)")
	_, err = genAll(p, true, false)
	require.NoError(t, err)
	nb, err := notebook.ReadFile(path)
	require.NoError(t, err)
	assert.Equal(t, "%%\nfmt.Println(2)", nb.Cells[1].Source)

	// A reader adds a line in Jupyter, then the source changes again: the notebook is kept.
	nb.Cells[1].Source += "\nexplore(30, 3, 1, 1)"
	require.NoError(t, notebook.WriteFile(path, nb))
	edited, err := os.ReadFile(path)
	require.NoError(t, err)
	write("fmt.Println(3)")
	_, err = genAll(p, true, false)
	require.ErrorIs(t, err, errHandEdited)
	assert.Contains(t, err.Error(), "notebooks/6.9-demo.ipynb (cells [2])")
	kept, err := os.ReadFile(path)
	require.NoError(t, err)
	assert.Equal(t, string(edited), string(kept), "the reader's line is still there")

	_, err = genAll(p, true, true)
	require.NoError(t, err, "-force regenerates it")
	nb, err = notebook.ReadFile(path)
	require.NoError(t, err)
	assert.Equal(t, "%%\nfmt.Println(3)", nb.Cells[1].Source)
}

// TestStillToCome: d2l check names the hidden tests and manual items grading adds.
func TestStillToCome(t *testing.T) {
	cat := &grader.Catalog{Exercises: []*grader.Exercise{
		{ID: "6.3-1", Kind: grader.KindCode, HiddenCount: 2, HiddenPoints: 3},
		{ID: "6.3-2", Kind: grader.KindCode, Hidden: []grader.Test{{Name: "TestHidden_X", Points: 2, Hidden: true}}},
		{ID: "6.3-3", Kind: grader.KindManual, ManualPoints: 1},
	}}
	assert.Equal(t, "still to come when graded / 评分时还有: 3 hidden tests (5 points), 1 manual items (1 points; answers in secNN/ANSWERS.md)", stillToCome(cat, nil))
	assert.Contains(t, stillToCome(cat, []string{"6.3-1"}), ": 2 hidden tests (3 points), 0 manual items")
}
