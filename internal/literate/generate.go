package literate

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"regexp"
	"strings"

	"github.com/d2l-go/d2l-go/internal/notebook"
)

// KernelName is the Jupyter kernel that generated notebooks name in their metadata: the
// d2l-go kernel that `d2l setup` installs (GoNB with a Go workspace of the repository, see
// harness.Tools.Kernel), with which a notebook needs no setup cell.
const KernelName = "d2l-go"

// SetupExpect returns what a setup cell (Options.Setup, the source of its code) must print:
// for each "%goflags FLAGS..." line, GoNB's echo of the flags it will pass to `go build`
// (`%goflags=["-ldflags=-w"]`); nothing else.
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
	// Setup, when not empty, is a first code cell (id SetupID) put before the source's cells,
	// for notebooks that must prepare something first (tests of the harness do). The chapter's
	// notebooks have none: the d2l-go kernel needs no setup.
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
			"display_name": "Go (d2l-go)",
			"language":     "go",
			"name":         KernelName,
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

// Notebook returns the unexecuted notebook of the source: the setup cell first if
// Options.Setup is set, then one cell per source cell (code cells with no outputs). Cell ids
// are stable hashes of a cell's kind and text.
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
	nb := notebook.New(Metadata(d.Title, opt.Source))
	var from []*Cell
	if opt.Setup != "" {
		nb.Cells = append(nb.Cells, &notebook.Cell{Type: notebook.Code, ID: SetupID, Source: opt.Setup, Metadata: map[string]any{}})
		from = append(from, nil)
	}
	seen := map[string]int{}
	if d.Meta["title"] != "" && !d.hasH1() {
		src := "# " + d.Title
		nb.Cells = append(nb.Cells, &notebook.Cell{Type: notebook.Markdown, ID: cellID(Markdown, src, seen), Source: src, Metadata: map[string]any{}})
		from = append(from, nil)
	}
	for _, c := range d.Cells {
		typ, meta := notebook.Markdown, map[string]any{}
		if c.Kind == Code {
			typ, meta = notebook.Code, CodeCellMetadata()
		}
		nb.Cells = append(nb.Cells, &notebook.Cell{Type: typ, ID: cellID(c.Kind, c.Source, seen), Source: c.Source, Metadata: meta})
		from = append(from, c)
	}
	return nb, from
}

// CodeCellMetadata returns the metadata of a generated code cell: "scrolled": false, which
// tells Jupyter Notebook never to squeeze the cell's output into a scroll box of its own (it
// does so by default for outputs taller than about 100 lines, as 6.6's feature maps are), so
// that every figure shows at its size in the page. Jupyter keeps the setting when it saves.
func CodeCellMetadata() map[string]any { return map[string]any{"scrolled": false} }

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

// idRE matches the ids cellID gives: kind letter, 10 hex digits, an optional repeat count.
var idRE = regexp.MustCompile(`^([cm])-([0-9a-f]{10})(-[0-9]+)?$`)

// HandEdited returns the 1-based numbers of the cells of nb (a notebook written by the
// generator, then maybe opened in Jupyter) whose text is not what the generator wrote: a cell
// whose source was changed (its id, a hash of the generated text, no longer matches it) and a
// cell added in Jupyter (an id the generator does not make). Outputs do not count, nor do
// deleted cells (nothing anyone wrote is in them), nor the setup cell. A notebook with such
// cells holds someone's work: regenerating it would lose that work.
func HandEdited(nb *notebook.Notebook) []int {
	var edited []int
	for i, c := range nb.Cells {
		if c.ID == SetupID {
			continue
		}
		kind := Markdown
		if c.Type == notebook.Code {
			kind = Code
		}
		m := idRE.FindStringSubmatch(c.ID)
		if m == nil || c.Type != notebook.Code && c.Type != notebook.Markdown ||
			cellID(kind, c.Source, map[string]int{}) != m[1]+"-"+m[2] {
			edited = append(edited, i+1)
		}
	}
	return edited
}
