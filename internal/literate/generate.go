package literate

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"strings"

	"github.com/d2l-go/d2l-go/internal/notebook"
)

// SetupLine is the first cell of every generated notebook. It sets GoFlags for every cell's
// build, and runs notebooks/setup.sh, which connects GoNB's scratch module to this
// repository (a go.mod replace plus the repository's go.sum) and fails loudly when it cannot.
// The cell prints GoNB's echo of the flags (see SetupExpect) and nothing else.
const SetupLine = "%goflags " + GoFlags + "\n" + `!*"$GONB_DIR/setup.sh"  # connect this notebook to the d2l-go module`

// GoFlags are the `go build` flags of every cell of the notebooks (GoNB's %goflags):
// -ldflags=-w leaves out the DWARF debugging information, which nothing in a notebook
// reads (a panic's stack trace does not need it), and makes each cell's link about a
// fifth faster (see bench/README.md).
const GoFlags = "-ldflags=-w"

// SetupExpect returns what a setup cell (the source of its code) must print: for each
// "%goflags FLAGS..." line, GoNB's echo of the flags it will pass to `go build`
// (`%goflags=["-ldflags=-w"]`); nothing else, since setup.sh prints only on failure.
func SetupExpect(setup string) Expect {
	var out strings.Builder
	for _, line := range strings.Split(setup, "\n") {
		if rest, ok := strings.CutPrefix(strings.TrimSpace(line), "%goflags"); ok && (rest == "" || rest[0] == ' ' || rest[0] == '\t') {
			fmt.Fprintf(&out, "%%goflags=%q\n", strings.Fields(rest))
		}
	}
	return Expect{Mode: Exact, Stdout: out.String()}
}

// SetupID is the cell id of the setup cell.
const SetupID = "setup"

// Options configure Notebook.
type Options struct {
	// Setup is the first code cell; SetupLine when empty.
	Setup string
	// Source is the path of the source relative to the repository root, recorded in the
	// notebook metadata under d2l.source (e.g. "chapter6/6.2-conv-layer.md").
	Source string
}

// Metadata returns the notebook metadata of a generated notebook: the gonb kernelspec,
// language_info for Go, the title and the source path.
func Metadata(title, source string) map[string]any {
	md := map[string]any{
		"kernelspec": map[string]any{
			"display_name": "Go (gonb)",
			"language":     "go",
			"name":         "gonb",
		},
		"language_info": map[string]any{
			"file_extension": ".go",
			"mimetype":       "text/x-go",
			"name":           "go",
		},
	}
	if title != "" {
		md["title"] = title
	}
	if source != "" {
		md["d2l"] = map[string]any{"source": source}
	}
	return md
}

// cellID returns a stable id for a cell: its kind and a hash of its text, so that editing
// one cell changes only that cell's id. seen disambiguates repeated texts.
func cellID(kind Kind, source string, seen map[string]int) string {
	sum := sha256.Sum256([]byte(kind.String() + "\x00" + source))
	id := kind.String()[:1] + "-" + hex.EncodeToString(sum[:])[:10]
	seen[id]++
	if n := seen[id]; n > 1 {
		id = fmt.Sprintf("%s-%d", id, n)
	}
	return id
}

// Notebook returns the unexecuted notebook of the source: the setup cell first, then one
// cell per source cell (code cells with no outputs). Cell ids are stable hashes.
func (d *Doc) Notebook(opt Options) *notebook.Notebook {
	nb, _ := d.build(opt)
	return nb
}

// CodeByID returns the source's code cells keyed by the ids Notebook gives them.
func (d *Doc) CodeByID(opt Options) map[string]*Cell {
	nb, from := d.build(opt)
	m := map[string]*Cell{}
	for i, c := range nb.Cells {
		if from[i] != nil && from[i].Kind == Code {
			m[c.ID] = from[i]
		}
	}
	return m
}

// build returns the notebook and, for each of its cells, the source cell it comes from
// (nil for the setup cell and a generated title).
func (d *Doc) build(opt Options) (*notebook.Notebook, []*Cell) {
	setup := opt.Setup
	if setup == "" {
		setup = SetupLine
	}
	nb := notebook.New(Metadata(d.Title, opt.Source))
	nb.Cells = append(nb.Cells, &notebook.Cell{Type: notebook.Code, ID: SetupID, Source: setup, Metadata: map[string]any{}})
	from := []*Cell{nil}
	seen := map[string]int{}
	if d.Meta["title"] != "" && !d.hasH1() {
		src := "# " + d.Title
		nb.Cells = append(nb.Cells, &notebook.Cell{Type: notebook.Markdown, ID: cellID(Markdown, src, seen), Source: src, Metadata: map[string]any{}})
		from = append(from, nil)
	}
	for _, c := range d.Cells {
		typ := notebook.Markdown
		if c.Kind == Code {
			typ = notebook.Code
		}
		nb.Cells = append(nb.Cells, &notebook.Cell{Type: typ, ID: cellID(c.Kind, c.Source, seen), Source: c.Source, Metadata: map[string]any{}})
		from = append(from, c)
	}
	return nb, from
}

// hasH1 reports whether some markdown cell has a "# " heading line.
func (d *Doc) hasH1() bool {
	for _, c := range d.Cells {
		if c.Kind != Markdown {
			continue
		}
		if len(c.Source) >= 2 && c.Source[:2] == "# " {
			return true
		}
		for i := 0; i+3 <= len(c.Source); i++ {
			if c.Source[i:i+3] == "\n# " {
				return true
			}
		}
	}
	return false
}

// CopyOutputs copies outputs and execution counts from executed into nb, cell by cell,
// for every code cell whose id and source are equal in both, and the language_info that the
// Go kernel reported when executed ran (nbconvert records it). It returns how many code cells
// of nb got outputs.
//
// Keeping the kernel's own language_info matters to readers: Jupyter Notebook marks a
// notebook as changed as soon as it opens when the stored language_info differs from the
// kernel's (its version included).
func CopyOutputs(nb, executed *notebook.Notebook) int {
	if li, ok := executed.Metadata["language_info"].(map[string]any); ok && li["name"] == "go" && li["version"] != nil {
		if nb.Metadata == nil {
			nb.Metadata = map[string]any{}
		}
		nb.Metadata["language_info"] = li
	}
	byID := map[string]*notebook.Cell{}
	for _, c := range executed.Cells {
		if c.Type == notebook.Code && c.ID != "" {
			byID[c.ID] = c
		}
	}
	n := 0
	for _, c := range nb.Cells {
		if c.Type != notebook.Code {
			continue
		}
		old, ok := byID[c.ID]
		if !ok || old.Source != c.Source {
			continue
		}
		c.Outputs = old.Outputs
		c.ExecutionCount = old.ExecutionCount
		n++
	}
	return n
}
