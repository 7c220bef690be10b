package harness

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/d2l-go/d2l-go/internal/literate"
	"github.com/d2l-go/d2l-go/internal/notebook"
)

// Project is the layout of a d2l-go checkout: literate sources in ROOT/chapter6, generated
// (and committed executed) notebooks in ROOT/notebooks.
type Project struct {
	// Root of the checkout.
	Root string
	// SourceDir is the directory of the sources relative to Root ("chapter6" when empty).
	SourceDir string
	// NotebookDir is the directory of the notebooks, relative to Root unless absolute
	// ("notebooks" when empty).
	NotebookDir string
}

// sourceNameRE matches a section source: "6.2-conv-layer.md".
var sourceNameRE = regexp.MustCompile(`^(\d+)\.(\d+)-[A-Za-z0-9_.-]+\.md$`)

func (p Project) sourceDir() string {
	if p.SourceDir == "" {
		return "chapter6"
	}
	return p.SourceDir
}

func (p Project) notebookDir() string {
	if p.NotebookDir == "" {
		return "notebooks"
	}
	return p.NotebookDir
}

// Sources returns the paths of the section sources (N.M-slug.md) in section order
// (6.2 before 6.10).
func (p Project) Sources() ([]string, error) {
	entries, err := os.ReadDir(filepath.Join(p.Root, p.sourceDir()))
	if err != nil && !os.IsNotExist(err) {
		return nil, fmt.Errorf("harness.Sources: %w", err)
	}
	type src struct {
		major, minor int
		path         string
	}
	var srcs []src
	for _, e := range entries {
		m := sourceNameRE.FindStringSubmatch(e.Name())
		if m == nil || e.IsDir() {
			continue
		}
		major, _ := strconv.Atoi(m[1])
		minor, _ := strconv.Atoi(m[2])
		srcs = append(srcs, src{major, minor, filepath.Join(p.Root, p.sourceDir(), e.Name())})
	}
	slices.SortFunc(srcs, func(a, b src) int {
		if a.major != b.major {
			return a.major - b.major
		}
		if a.minor != b.minor {
			return a.minor - b.minor
		}
		return strings.Compare(a.path, b.path)
	})
	paths := make([]string, len(srcs))
	for i, s := range srcs {
		paths[i] = s.path
	}
	return paths, nil
}

// Docs parses every section source.
func (p Project) Docs() ([]*literate.Doc, error) {
	paths, err := p.Sources()
	if err != nil {
		return nil, err
	}
	var docs []*literate.Doc
	for _, path := range paths {
		d, err := literate.ReadFile(path)
		if err != nil {
			return nil, err
		}
		docs = append(docs, d)
	}
	return docs, nil
}

// GenOptions returns the generator options of a source: the default setup line and its
// path relative to Root.
func (p Project) GenOptions(doc *literate.Doc) literate.Options {
	return literate.Options{Source: filepath.ToSlash(filepath.Join(p.sourceDir(), doc.Name+".md"))}
}

// NotebookPath returns where the notebook of doc lives: ROOT/notebooks/NAME.ipynb.
func (p Project) NotebookPath(doc *literate.Doc) string {
	if filepath.IsAbs(p.notebookDir()) {
		return filepath.Join(p.notebookDir(), doc.Name+".ipynb")
	}
	return filepath.Join(p.Root, p.notebookDir(), doc.Name+".ipynb")
}

// Generate returns the notebook of doc as it should be committed: generated from the source,
// with the outputs of the existing notebook kept for every code cell whose source did not
// change, and its encoded bytes.
func (p Project) Generate(doc *literate.Doc) (*notebook.Notebook, []byte, error) {
	nb := doc.Notebook(p.GenOptions(doc))
	if old, err := notebook.ReadFile(p.NotebookPath(doc)); err == nil {
		literate.CopyOutputs(nb, old)
	}
	data, err := nb.Marshal()
	return nb, data, err
}

// InSync reports whether the committed notebook of doc is exactly what Generate gives.
func (p Project) InSync(doc *literate.Doc) (bool, error) {
	_, want, err := p.Generate(doc)
	if err != nil {
		return false, err
	}
	got, err := os.ReadFile(p.NotebookPath(doc))
	if err != nil {
		return false, nil
	}
	return bytes.Equal(got, want), nil
}

// WriteGenerated writes the generated notebook of doc when it differs from the file and
// reports whether it wrote.
func (p Project) WriteGenerated(doc *literate.Doc) (bool, error) {
	_, data, err := p.Generate(doc)
	if err != nil {
		return false, err
	}
	path := p.NotebookPath(doc)
	if old, err := os.ReadFile(path); err == nil && bytes.Equal(old, data) {
		return false, nil
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return false, fmt.Errorf("harness.WriteGenerated: %w", err)
	}
	if err := os.WriteFile(path, data, 0o644); err != nil {
		return false, fmt.Errorf("harness.WriteGenerated: %w", err)
	}
	return true, nil
}

// Merge returns the notebook to commit after an execution: the generated notebook of doc
// (its metadata, ids, sources) with the outputs and execution counts of executed, each
// cell's outputs tidied by Arrange.
func Merge(doc *literate.Doc, gen literate.Options, executed *notebook.Notebook) *notebook.Notebook {
	nb := doc.Notebook(gen)
	literate.CopyOutputs(nb, executed)
	byID := doc.CodeByID(gen)
	for _, c := range nb.Cells {
		if c.Type != notebook.Code {
			continue
		}
		var exp literate.Expect
		if src := byID[c.ID]; src != nil {
			exp = src.Expect
		}
		c.Outputs = Arrange(c.Outputs, exp)
	}
	return nb
}

// Arrange returns outputs in a stable order, for committed notebooks that do not change
// from run to run. Jupyter receives stdout, stderr and displays on separate channels, so
// their interleaving varies between runs; Arrange merges each stream into one output and,
// when stdout agrees with the expected text (equal to it, or matching it in a
// ```output match``` fence without a "..." line), places the display outputs where the
// expected output has their placeholders, after as many stdout lines as the expected output
// has before them (else after stdout); stderr and errors come last.
func Arrange(outputs []*notebook.Output, exp literate.Expect) []*notebook.Output {
	var stdout, stderr strings.Builder
	var displays, others []*notebook.Output
	for _, o := range outputs {
		switch {
		case o.Type == notebook.Stream && o.Name == "stdout":
			stdout.WriteString(o.Text)
		case o.Type == notebook.Stream:
			stderr.WriteString(o.Text)
		case o.Placeholder() != "":
			displays = append(displays, o)
		default:
			others = append(others, o)
		}
	}
	var res []*notebook.Output
	text := func(s string) {
		if s != "" {
			res = append(res, &notebook.Output{Type: notebook.Stream, Name: "stdout", Text: s})
		}
	}
	wantText, placeholders := exp.Displays()
	if len(placeholders) == len(displays) && len(displays) > 0 && agrees(stdout.String(), wantText, exp.Mode) {
		// Walk the expected output: text lines are counted, a placeholder emits as many
		// lines of stdout as were counted, then the next display.
		got := stdout.String()
		lines, next := 0, 0
		for _, line := range strings.SplitAfter(exp.Stdout, "\n") {
			if literate.IsPlaceholder(strings.TrimSuffix(line, "\n")) {
				n := 0
				for ; lines > 0 && n < len(got); lines-- {
					k := strings.IndexByte(got[n:], '\n')
					if k < 0 {
						n = len(got)
						break
					}
					n += k + 1
				}
				text(got[:n])
				got = got[n:]
				res = append(res, displays[next])
				next++
				continue
			}
			if line != "" {
				lines++
			}
		}
		text(got)
	} else {
		text(stdout.String())
		res = append(res, displays...)
	}
	if stderr.Len() > 0 {
		res = append(res, &notebook.Output{Type: notebook.Stream, Name: "stderr", Text: stderr.String()})
	}
	return append(res, others...)
}

// agrees reports whether got is the expected text want line for line: equal to it in an
// exact fence, matching it in a match fence that has no line "..." (which would make the
// line counts differ).
func agrees(got, want string, mode literate.Mode) bool {
	g, w := splitText(got), splitText(want)
	switch mode {
	case literate.Exact:
		return strings.TrimRight(got, "\n") == strings.TrimRight(want, "\n")
	case literate.Match:
		if len(g) != len(w) {
			return false
		}
		for i := range g {
			if !matchLine(g[i], w[i]) {
				return false
			}
		}
		return true
	}
	return false
}
