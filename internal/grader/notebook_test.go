package grader

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
	"unicode"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/d2l-go/d2l-go/internal/notebook"
)

// TestCellsToGo checks magics are dropped, imports hoisted and the package added.
func TestCellsToGo(t *testing.T) {
	for _, c := range []struct {
		name  string
		cells []string
		want  string
	}{
		{"plain", []string{"func F() int { return 1 }"}, "package sec61\n\n\nfunc F() int { return 1 }\n"},
		{"magic and import", []string{"%%\nimport \"math\"\nfunc F() float64 { return math.Pi }"}, "package sec61\n\nimport \"math\"\n\nfunc F() float64 { return math.Pi }\n"},
		{"late import block", []string{"func F() {}", "import (\n\t\"fmt\"\n)\nfunc G() { fmt.Println() }"},
			"package sec61\n\nimport (\n\t\"fmt\"\n)\n\nfunc F() {}\n\nfunc G() { fmt.Println() }\n"},
	} {
		t.Run(c.name, func(t *testing.T) {
			assert.Equal(t, c.want, string(CellsToGo("sec61", c.cells)))
		})
	}
}

// TestNotebookSubmission fills the solution cells of the generated 6.5 notebook
// with the reference and grades the notebook alone: 6.5 scores full marks, the
// other sections are missing.
func TestNotebookSubmission(t *testing.T) {
	l, cat := testLayout(t)
	nb, err := notebook.ReadFile(filepath.Join(l.Notebooks, "6.5-exercises.ipynb"))
	require.NoError(t, err)
	filled := 0
	for _, c := range nb.Cells {
		m, ok := cellMeta(c)
		if !ok || m.Role != "solution" {
			continue
		}
		b, err := os.ReadFile(filepath.Join(l.Solutions, m.Section, m.File))
		require.NoError(t, err)
		c.Source = "%%\n" + cellBody(string(b)) // a stray magic line must not matter
		filled++
	}
	require.NotZero(t, filled)
	dir := filepath.Join(t.TempDir(), "carol")
	require.NoError(t, os.MkdirAll(dir, 0o755))
	require.NoError(t, notebook.WriteFile(filepath.Join(dir, "6.5-exercises.ipynb"), nb))
	sub, err := LoadSubmission(dir, cat)
	require.NoError(t, err)
	res, err := GradeSubmission(context.Background(), sub, Options{Layout: l, Catalog: cat, Reference: true, Hidden: true, TestTimeout: 5 * time.Second, Only: idsOf(cat, "sec65")})
	require.NoError(t, err)
	require.Equal(t, res.Max, res.Score, "%s", Feedback(res))
}

func idsOf(cat *Catalog, sec string) []string {
	var ids []string
	for _, e := range cat.Exercises {
		if e.Section == sec && strings.HasPrefix(sec, "sec") {
			ids = append(ids, e.ID)
		}
	}
	return ids
}

// TestGeneratedInSync fails when exercises/ or notebooks/exercises/ differ
// from what `d2l gen-exercises` makes of solutions/.
func TestGeneratedInSync(t *testing.T) {
	l, _ := testLayout(t)
	stale, err := Stale(l)
	require.NoError(t, err)
	require.Empty(t, stale, "run `go run ./cmd/d2l gen-exercises`")
}

// maxCodeColumns is the widest line a code cell of a generated exercise notebook may have,
// in columns (see columns). Jupyter Notebook's code box, as the browser test
// (internal/browser: Classic Notebook in a 1280-px wide Chromium window) opens the
// notebooks, is 976 px wide and a character of its monospace font 8.43 px (a Han character
// 14.4 px), so 115 columns fit before a horizontal scrollbar hides the rest (measured in
// TestNotebooksInBrowser on 2026-12-07); 100 leaves room for a wider font.
const maxCodeColumns = 100

// columns returns how many columns line takes in a code cell: a tab moves to the next
// multiple of 4 (CodeMirror's tab size in Jupyter), an East Asian wide or fullwidth character
// (Han, kana, Hangul, CJK punctuation, fullwidth forms) takes 2, any other character 1.
func columns(line string) int {
	n := 0
	for _, r := range line {
		switch {
		case r == '\t':
			n = n/4*4 + 4
		case unicode.In(r, unicode.Han, unicode.Hiragana, unicode.Katakana, unicode.Hangul),
			r >= 0x3000 && r <= 0x303f, r >= 0xff00 && r <= 0xff60, r >= 0xffe0 && r <= 0xffe6:
			n += 2
		default:
			n++
		}
	}
	return n
}

// TestGeneratedNotebooksFit: no code line of a generated exercise notebook (preparation,
// solution and %test cells) is wider than Jupyter's code box, where it would hide behind a
// scrollbar. The public tests of solutions/ end up in the %test cells: their lines must
// stay short too.
func TestGeneratedNotebooksFit(t *testing.T) {
	assert.Equal(t, 10, columns("\tx := 1"))
	assert.Equal(t, 9, columns("// 准备。"))
	l, _ := testLayout(t)
	_, nbs, err := generated(l)
	require.NoError(t, err)
	require.NotEmpty(t, nbs)
	for name, b := range nbs {
		nb, err := notebook.Parse(b)
		require.NoError(t, err, name)
		for i, c := range nb.Cells {
			if c.Type != notebook.Code {
				continue
			}
			for j, line := range strings.Split(c.Source, "\n") {
				assert.LessOrEqual(t, columns(line), maxCodeColumns,
					"%s, cell %d (%s), line %d is too wide for Jupyter's code box:\n%s",
					name, i+1, c.ID, j+1, line)
			}
		}
	}
}

// TestExtractNotebookImports: a solution cell is graded as %test ran it in GoNB, where the
// imports of every cell, and the standard packages goimports adds, are in scope: the file
// gets the imports its code uses from other cells or the standard library, and none that
// it does not use.
func TestExtractNotebookImports(t *testing.T) {
	nb := notebook.New(nil)
	meta := func(file string) map[string]any {
		return map[string]any{metaKey: map[string]any{"role": "solution", "exercise": "6.5-1", "section": "sec65", "file": file}}
	}
	nb.Cells = []*notebook.Cell{
		{Type: notebook.Code, ID: "imports", Source: "import (\n\t\"github.com/d2l-go/d2l-go/exercises/grid\"\n\t\"strings\"\n)", Metadata: map[string]any{}},
		{Type: notebook.Code, ID: "a", Source: "// AvgPoolViaCorr averages.\nfunc AvgPoolViaCorr(X [][]float32, ph, pw int) [][]float32 {\n\treturn grid.Corr2D(X, AvgPoolKernel(ph, pw))\n}", Metadata: meta("avg_pool.go")},
		{Type: notebook.Code, ID: "b", Source: "import \"fmt\"\n\nfunc AvgPoolKernel(ph, pw int) [][]float32 {\n\tK := grid.Zeros(ph, pw)\n\t_ = math.Abs(1)\n\treturn K\n}", Metadata: meta("avg_pool.go")},
	}
	path := filepath.Join(t.TempDir(), "nb.ipynb")
	require.NoError(t, notebook.WriteFile(path, nb))
	files, err := ExtractNotebook(path)
	require.NoError(t, err)
	require.Len(t, files, 1)
	src := string(files[0].Source)
	assert.Contains(t, src, "import (\n\t\"github.com/d2l-go/d2l-go/exercises/grid\"\n\t\"math\"\n)", "grid from the first cell, math as goimports adds it:\n%s", src)
	assert.NotContains(t, src, "\"fmt\"", "unused imports are dropped, as goimports does")
	assert.NotContains(t, src, "\"strings\"")
	assert.Contains(t, src, "// AvgPoolViaCorr averages.\nfunc AvgPoolViaCorr")
}
