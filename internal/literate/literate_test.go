package literate_test

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/d2l-go/d2l-go/internal/literate"
	"github.com/d2l-go/d2l-go/internal/notebook"
)

const src = "---\ntitle: 6.0 Demo\n---\n\nIntro **prose**.\n\n```python\nprint(1)\n```\n\n" +
	"```go\nimport \"fmt\"\n```\n\nMiddle.\n\n" +
	"```go\n%%\nfmt.Println(\"a\")\n```\n\n```output\na\n[display image/png]\n```\n```stderr\nwarn\n```\n" +
	"```go\n%%\nfmt.Println(1)\n```\n````output match\nloss ..., ```\n````\n"

func TestParse(t *testing.T) {
	doc, err := literate.Parse("6.0-demo", []byte(src))
	require.NoError(t, err)
	assert.Equal(t, "6.0 Demo", doc.Title)
	type cell struct {
		kind   literate.Kind
		source string
		line   int
		exp    literate.Expect
	}
	want := []cell{
		{literate.Markdown, "Intro **prose**.\n\n```python\nprint(1)\n```", 5, literate.Expect{}},
		{literate.Code, "import \"fmt\"", 11, literate.Expect{}},
		{literate.Markdown, "Middle.", 15, literate.Expect{}},
		{literate.Code, "%%\nfmt.Println(\"a\")", 17, literate.Expect{Stdout: "a\n[display image/png]\n", Stderr: "warn\n", OutputLine: 22, StderrLine: 26}},
		{literate.Code, "%%\nfmt.Println(1)", 29, literate.Expect{Mode: literate.Match, Stdout: "loss ..., ```\n", OutputLine: 33}},
	}
	require.Len(t, doc.Cells, len(want))
	for i, w := range want {
		c := doc.Cells[i]
		assert.Equal(t, w, cell{c.Kind, c.Source, c.Line, c.Expect}, "cell %d", i)
	}
	text, displays := doc.Cells[3].Expect.Displays()
	assert.Equal(t, "a\n", text)
	assert.Equal(t, []string{"[display image/png]"}, displays)
}

func TestParseErrors(t *testing.T) {
	for _, tc := range []struct{ name, src, want string }{
		{"unclosed go", "```go\nx := 1\n", "line 1: fence ```go: got no closing ```"},
		{"output after prose", "text\n```output\n1\n```\n", "line 2: fence \"```output\": got it after prose"},
		{"output after text", "```go\n```\ntext\n```output\n1\n```\n", "line 4"},
		{"bad mode", "```go\n```\n```output fuzzy\n```\n", "got mode \"fuzzy\""},
		{"bad go option", "```go run\n```\n", "got option \"run\""},
		{"front matter", "---\ntitle x\n---\n", "line 2: front matter"},
		{"front matter unclosed", "---\ntitle: x\n", "got no closing \"---\""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := literate.Parse("x", []byte(tc.src))
			require.Error(t, err)
			assert.Contains(t, err.Error(), tc.want)
		})
	}
}

func TestTitleFromHeading(t *testing.T) {
	doc, err := literate.Parse("x", []byte("Some text.\n\n# 6.9 标题\n\n```go static\nx := 1\n```\n"))
	require.NoError(t, err)
	assert.Equal(t, "6.9 标题", doc.Title)
	require.Len(t, doc.Cells, 1, "a go static fence stays in the prose")
}

func TestNotebook(t *testing.T) {
	doc, err := literate.Parse("6.0-demo", []byte(src))
	require.NoError(t, err)
	nb := doc.Notebook(literate.Options{Source: "chapter6/6.0-demo.md"})
	var types, sources []string
	for _, c := range nb.Cells {
		types = append(types, c.Type)
		sources = append(sources, strings.SplitN(c.Source, "\n", 2)[0])
	}
	assert.Equal(t, []string{"markdown", "markdown", "code", "markdown", "code", "code"}, types, "no setup cell: the d2l-go kernel needs none")
	assert.Equal(t, []string{"# 6.0 Demo", "Intro **prose**.", `import "fmt"`, "Middle.", "%%", "%%"}, sources)
	for _, c := range nb.Cells {
		if c.Type == notebook.Code {
			assert.Equal(t, map[string]any{"scrolled": false}, c.Metadata, "no inner scroll box for tall outputs")
		}
	}
	// A setup cell, when asked for, comes first and must print only GoNB's echo of %goflags.
	withSetup := doc.Notebook(literate.Options{Setup: "%goflags -ldflags=-w\n!*true"})
	assert.Equal(t, literate.SetupID, withSetup.Cells[0].ID)
	assert.Len(t, withSetup.Cells, len(nb.Cells)+1)
	assert.Equal(t, literate.Expect{Mode: literate.Exact, Stdout: `%goflags=["-ldflags=-w"]` + "\n"}, literate.SetupExpect(withSetup.Cells[0].Source))
	assert.Equal(t, literate.Expect{Mode: literate.Exact}, literate.SetupExpect(`!*true`))
	ids := map[string]bool{}
	for _, c := range nb.Cells {
		assert.Regexp(t, `^[a-zA-Z0-9_-]{1,64}$`, c.ID)
		assert.False(t, ids[c.ID], "duplicate id %s", c.ID)
		ids[c.ID] = true
	}
	assert.Equal(t, "d2l-go", nb.Metadata["kernelspec"].(map[string]any)["name"])
	assert.Equal(t, map[string]any{"source": "chapter6/6.0-demo.md"}, nb.Metadata["d2l"])
	// Ids are stable: the same source gives the same notebook bytes.
	a, err := nb.Marshal()
	require.NoError(t, err)
	b, err := doc.Notebook(literate.Options{Source: "chapter6/6.0-demo.md"}).Marshal()
	require.NoError(t, err)
	assert.Equal(t, string(a), string(b))
	// CodeByID maps the code cells' ids back to the source cells.
	byID := doc.CodeByID(literate.Options{})
	assert.Len(t, byID, 3)
	assert.Equal(t, "warn\n", byID[nb.Cells[4].ID].Expect.Stderr)
}

func TestCopyOutputs(t *testing.T) {
	doc, err := literate.Parse("x", []byte("```go\n%%\nfmt.Println(1)\n```\n```go\n%%\nfmt.Println(2)\n```\n"))
	require.NoError(t, err)
	old := doc.Notebook(literate.Options{})
	one := 1
	old.Cells[0].Outputs = []*notebook.Output{{Type: notebook.Stream, Name: "stdout", Text: "1\n"}}
	old.Cells[0].ExecutionCount = &one
	old.Cells[1].Outputs = []*notebook.Output{{Type: notebook.Stream, Name: "stdout", Text: "2\n"}}
	// The second cell changes: only the first keeps its outputs.
	doc2, err := literate.Parse("x", []byte("```go\n%%\nfmt.Println(1)\n```\n```go\n%%\nfmt.Println(3)\n```\n"))
	require.NoError(t, err)
	nb := doc2.Notebook(literate.Options{})
	assert.Equal(t, 1, literate.CopyOutputs(nb, old), "the first cell")
	assert.Equal(t, "1\n", nb.Cells[0].StreamText("stdout"))
	assert.Equal(t, &one, nb.Cells[0].ExecutionCount)
	assert.Empty(t, nb.Cells[1].Outputs)
	assert.Equal(t, map[string]any{"file_extension": ".go", "mimetype": "text/x-go", "name": "go"}, nb.Metadata["language_info"],
		"without a kernel's report the generator's language_info stays")

	// The language_info the kernel reported (nbconvert stores it) replaces the generator's,
	// so that Jupyter finds it unchanged when the notebook opens.
	kernel := map[string]any{"name": "go", "version": "go1.26.8", "mimetype": "text/x-go", "file_extension": ".go",
		"pygments_lexer": "", "codemirror_mode": "", "nbconvert_exporter": ""}
	old.Metadata["language_info"] = kernel
	literate.CopyOutputs(nb, old)
	assert.Equal(t, kernel, nb.Metadata["language_info"])
}

func TestUpdateOutputs(t *testing.T) {
	in := "# T\n\n```go\n%%\nfmt.Println(1)\n```\n\ntext\n\n```go\n%%\nfmt.Println(2)\n```\n```output match\nold ...\n```\n```stderr\nx\n```\nend\n"
	doc, err := literate.Parse("x", []byte(in))
	require.NoError(t, err)
	got := string(doc.UpdateOutputs(map[int]string{0: "1\n", 1: "2\n"}, map[int]string{1: ""}))
	want := "# T\n\n```go\n%%\nfmt.Println(1)\n```\n```output\n1\n```\n\ntext\n\n```go\n%%\nfmt.Println(2)\n```\n```output match\n2\n```\nend\n"
	assert.Equal(t, want, got)
	// Unchanged when nothing is updated.
	assert.Equal(t, in, string(doc.UpdateOutputs(nil, nil)))
	// Round trip: the updated source parses with the new expectations.
	doc2, err := literate.Parse("x", []byte(got))
	require.NoError(t, err)
	assert.Equal(t, "1\n", doc2.CodeCells()[0].Expect.Stdout)
	assert.Equal(t, literate.Match, doc2.CodeCells()[1].Expect.Mode)
}

// TestHandEdited: a cell whose text someone changed in Jupyter, or a cell someone added, makes
// the notebook hand-edited; outputs, deleted cells and a legacy setup cell do not.
func TestHandEdited(t *testing.T) {
	doc, err := literate.Parse("6.0-demo", []byte(src))
	require.NoError(t, err)
	fresh := func() *notebook.Notebook { return doc.Notebook(literate.Options{}) }
	one := 1
	for _, tc := range []struct {
		name string
		edit func(nb *notebook.Notebook)
		want []int
	}{
		{"as generated", func(*notebook.Notebook) {}, nil},
		{"executed", func(nb *notebook.Notebook) {
			nb.Cells[2].Outputs = []*notebook.Output{{Type: notebook.Stream, Name: "stdout", Text: "x\n"}}
			nb.Cells[2].ExecutionCount = &one
		}, nil},
		{"code changed", func(nb *notebook.Notebook) { nb.Cells[4].Source += "\nexplore(30, 3, 1, 1)" }, []int{5}},
		{"prose changed", func(nb *notebook.Notebook) { nb.Cells[1].Source = "我的笔记" }, []int{2}},
		{"cell added", func(nb *notebook.Notebook) {
			nb.Cells = append(nb.Cells, &notebook.Cell{Type: notebook.Code, ID: "7f3a9c1e", Source: "%%\nfmt.Println(1)", Metadata: map[string]any{}})
		}, []int{7}},
		{"cell deleted", func(nb *notebook.Notebook) { nb.Cells = nb.Cells[1:] }, nil},
		{"type changed", func(nb *notebook.Notebook) { nb.Cells[1].Type = notebook.Code }, []int{2}},
		{"legacy setup cell", func(nb *notebook.Notebook) {
			nb.Cells = append([]*notebook.Cell{{Type: notebook.Code, ID: literate.SetupID, Source: `!*"$GONB_DIR/setup.sh"`}}, nb.Cells...)
		}, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			nb := fresh()
			tc.edit(nb)
			assert.Equal(t, tc.want, literate.HandEdited(nb))
		})
	}
}
