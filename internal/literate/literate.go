// Package literate parses the chapter sources of d2l-go (chapter6/6.N-slug.md) and turns
// them into GoNB notebooks.
//
// A source is Markdown. Each ```go fence is one GoNB code cell; an ```output fence right
// after it (blank lines allowed in between) holds the exact text the cell prints, and an
// optional ```stderr fence after that holds what it writes to stderr. Everything else is
// prose and becomes Markdown cells. chapter6/README.md documents the format for authors.
package literate

import (
	"bufio"
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
)

// Kind tells a prose cell from a code cell.
type Kind int

const (
	// Markdown is prose.
	Markdown Kind = iota
	// Code is a Go cell run by GoNB.
	Code
)

// String returns "markdown" or "code".
func (k Kind) String() string {
	if k == Code {
		return "code"
	}
	return "markdown"
}

// Mode says how a code cell's output is compared with the expected text.
type Mode int

const (
	// Exact: stdout must equal the ```output fence (placeholders aside, see Expect).
	Exact Mode = iota
	// Match: like Exact, but "..." inside a line matches any text, and a line that is
	// only "..." matches any number of lines (```output match).
	Match
	// Skip: the output is shown to the reader but not compared (```output skip);
	// the cell must still run without errors.
	Skip
)

// String returns the word used after "output" in a fence: "", "match" or "skip".
func (m Mode) String() string {
	switch m {
	case Match:
		return "match"
	case Skip:
		return "skip"
	}
	return ""
}

// Expect is what a code cell must print.
type Expect struct {
	// Mode of comparison.
	Mode Mode
	// Stdout is the text of the ```output fence, one "\n" after every line; "" when the
	// cell has no output fence (then it must print nothing). Lines that are exactly a
	// display placeholder ("[display image/svg+xml]") stand for display outputs.
	Stdout string
	// Stderr is the text of the ```stderr fence, one "\n" after every line; "" when absent
	// (then the cell must write nothing to stderr).
	Stderr string
	// OutputLine is the 1-based line of the ```output fence, 0 when there is none.
	OutputLine int
	// StderrLine is the 1-based line of the ```stderr fence, 0 when there is none.
	StderrLine int
}

// placeholderRE matches a display placeholder line.
var placeholderRE = regexp.MustCompile(`^\[display [!-~]+\]$`)

// IsPlaceholder reports whether line stands for a display output, e.g. "[display image/png]".
func IsPlaceholder(line string) bool { return placeholderRE.MatchString(line) }

// Displays splits an expected stdout into its text (placeholder lines removed) and the
// list of its display placeholders in order.
func (e Expect) Displays() (text string, placeholders []string) {
	var sb strings.Builder
	for _, line := range strings.SplitAfter(e.Stdout, "\n") {
		if IsPlaceholder(strings.TrimSuffix(line, "\n")) {
			placeholders = append(placeholders, strings.TrimSuffix(line, "\n"))
			continue
		}
		sb.WriteString(line)
	}
	return sb.String(), placeholders
}

// Cell is one cell of a source.
type Cell struct {
	// Kind is Markdown or Code.
	Kind Kind
	// Source is the cell's text without a final newline.
	Source string
	// Line is the 1-based line where the cell starts in the source file (for code, the
	// line of its ```go fence).
	Line int
	// Expect is what a code cell must print.
	Expect Expect
	// span is the range of source lines [start, end) that the expected-output fences of
	// a code cell occupy, or the insertion point (start == end) when it has none.
	span [2]int
}

// Doc is one parsed source file.
type Doc struct {
	// Name is the file's base name without ".md", e.g. "6.2-conv-layer".
	Name string
	// Path is the file the Doc was read from ("" when parsed from memory).
	Path string
	// Title comes from the front matter's "title:" or, failing that, the first "# " heading.
	Title string
	// Meta holds the front matter's "key: value" lines.
	Meta map[string]string
	// Cells in order.
	Cells []*Cell
	// lines of the source, kept for UpdateOutputs.
	lines []string
}

// CodeCells returns the code cells in order.
func (d *Doc) CodeCells() []*Cell {
	var cells []*Cell
	for _, c := range d.Cells {
		if c.Kind == Code {
			cells = append(cells, c)
		}
	}
	return cells
}

// ReadFile parses the source stored in path; the Doc's Name is the base name without ".md".
func ReadFile(path string) (*Doc, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("literate.ReadFile: %w", err)
	}
	doc, err := Parse(strings.TrimSuffix(filepath.Base(path), ".md"), data)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	doc.Path = path
	return doc, nil
}

// fence is an opening or closing code fence line.
type fence struct {
	marker string // the run of ` or ~ characters
	info   string // the words after the marker
}

// fenceRE matches a fence at the start of a line.
var fenceRE = regexp.MustCompile("^(`{3,}|~{3,})\\s*([^`]*)$")

// parseFence returns the fence that line opens, if it is one.
func parseFence(line string) (fence, bool) {
	m := fenceRE.FindStringSubmatch(line)
	if m == nil {
		return fence{}, false
	}
	return fence{marker: m[1], info: strings.TrimSpace(m[2])}, true
}

// closes reports whether line closes f: the same character, at least as many, nothing else.
func (f fence) closes(line string) bool {
	t := strings.TrimRight(line, " \t")
	return len(t) >= len(f.marker) && strings.Trim(t, f.marker[:1]) == "" && strings.HasPrefix(t, f.marker)
}

// words splits the info string of a fence into its words.
func (f fence) words() []string { return strings.Fields(f.info) }

// Parse parses a source held in memory; name becomes Doc.Name.
//
// Errors name the line: an unclosed fence, an ```output or ```stderr fence that does not
// follow a ```go cell, an unknown output mode, a malformed front matter.
func Parse(name string, src []byte) (*Doc, error) {
	var lines []string
	sc := bufio.NewScanner(bytes.NewReader(src))
	sc.Buffer(make([]byte, 1<<20), 1<<24)
	for sc.Scan() {
		lines = append(lines, strings.TrimSuffix(sc.Text(), "\r"))
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("literate.Parse %s: %w", name, err)
	}
	doc := &Doc{Name: name, Meta: map[string]string{}, lines: lines}
	i := 0
	// Front matter.
	if len(lines) > 0 && lines[0] == "---" {
		end := -1
		for j := 1; j < len(lines); j++ {
			if lines[j] == "---" {
				end = j
				break
			}
			key, value, ok := strings.Cut(lines[j], ":")
			if !ok || strings.TrimSpace(key) == "" {
				return nil, fmt.Errorf("literate.Parse %s: line %d: front matter: got %q, want \"key: value\"", name, j+1, lines[j])
			}
			doc.Meta[strings.TrimSpace(key)] = strings.TrimSpace(value)
		}
		if end < 0 {
			return nil, fmt.Errorf("literate.Parse %s: line 1: front matter: got no closing \"---\", want one", name)
		}
		doc.Title = doc.Meta["title"]
		i = end + 1
	}

	var prose []string
	proseStart := i + 1
	flush := func(next int) {
		// Trim blank lines around the prose.
		lo, hi := 0, len(prose)
		for lo < hi && strings.TrimSpace(prose[lo]) == "" {
			lo++
		}
		for hi > lo && strings.TrimSpace(prose[hi-1]) == "" {
			hi--
		}
		if lo < hi {
			doc.Cells = append(doc.Cells, &Cell{Kind: Markdown, Source: strings.Join(prose[lo:hi], "\n"), Line: proseStart + lo})
		}
		prose = nil
		proseStart = next
	}
	// readFence returns the body of the fence opened at line open and the index after its close.
	readFence := func(f fence, open int) ([]string, int, error) {
		for j := open + 1; j < len(lines); j++ {
			if f.closes(lines[j]) {
				return lines[open+1 : j], j + 1, nil
			}
		}
		return nil, 0, fmt.Errorf("literate.Parse %s: line %d: fence %s%s: got no closing %s, want one", name, open+1, f.marker, f.info, f.marker)
	}
	for i < len(lines) {
		line := lines[i]
		f, ok := parseFence(line)
		if !ok {
			prose = append(prose, line)
			i++
			continue
		}
		w := f.words()
		lang := ""
		if len(w) > 0 {
			lang = w[0]
		}
		switch {
		case lang == "go" && !(len(w) > 1 && w[1] == "static"):
			if len(w) > 1 {
				return nil, fmt.Errorf("literate.Parse %s: line %d: fence %q: got option %q, want none or \"static\"", name, i+1, line, w[1])
			}
			body, next, err := readFence(f, i)
			if err != nil {
				return nil, err
			}
			flush(i + 1)
			cell := &Cell{Kind: Code, Source: strings.Join(body, "\n"), Line: i + 1}
			i = next
			cell.span = [2]int{i, i}
			// Expected output fences, blank lines allowed before each.
			for _, want := range []string{"output", "stderr"} {
				j := i
				for j < len(lines) && strings.TrimSpace(lines[j]) == "" {
					j++
				}
				if j >= len(lines) {
					continue
				}
				of, ok := parseFence(lines[j])
				if !ok || len(of.words()) == 0 || of.words()[0] != want {
					continue // no fence of this kind; a ```stderr may still follow the ```go
				}
				ow := of.words()
				body, next, err := readFence(of, j)
				if err != nil {
					return nil, err
				}
				text := ""
				for _, l := range body {
					text += l + "\n"
				}
				if want == "output" {
					switch {
					case len(ow) == 1:
						cell.Expect.Mode = Exact
					case len(ow) == 2 && ow[1] == "match":
						cell.Expect.Mode = Match
					case len(ow) == 2 && ow[1] == "skip":
						cell.Expect.Mode = Skip
					default:
						return nil, fmt.Errorf("literate.Parse %s: line %d: fence %q: got mode %q, want \"output\", \"output match\" or \"output skip\"", name, j+1, lines[j], strings.Join(ow[1:], " "))
					}
					cell.Expect.Stdout = text
					cell.Expect.OutputLine = j + 1
				} else {
					if len(ow) != 1 {
						return nil, fmt.Errorf("literate.Parse %s: line %d: fence %q: got options %q, want none", name, j+1, lines[j], strings.Join(ow[1:], " "))
					}
					cell.Expect.Stderr = text
					cell.Expect.StderrLine = j + 1
				}
				i = next
				cell.span[1] = next
			}
			doc.Cells = append(doc.Cells, cell)
			proseStart = i + 1
		case lang == "output" || lang == "stderr":
			return nil, fmt.Errorf("literate.Parse %s: line %d: fence %q: got it after prose, want it right after a ```go cell (or its ```output)", name, i+1, line)
		default:
			// A fence of prose (```python, ```text, ```go static, ...): copied as is.
			body, next, err := readFence(f, i)
			if err != nil {
				return nil, err
			}
			prose = append(prose, line)
			prose = append(prose, body...)
			prose = append(prose, lines[next-1])
			i = next
		}
	}
	flush(len(lines) + 1)
	if doc.Title == "" {
		for _, c := range doc.Cells {
			if c.Kind != Markdown {
				continue
			}
			for _, l := range strings.Split(c.Source, "\n") {
				if strings.HasPrefix(l, "# ") {
					doc.Title = strings.TrimSpace(l[2:])
					break
				}
			}
			if doc.Title != "" {
				break
			}
		}
	}
	return doc, nil
}

// UpdateOutputs returns the source with the expected output of code cells replaced:
// stdout[k] becomes the ```output fence of the k-th code cell (counting from 0) and
// stderr[k] its ```stderr fence; cells missing from the maps keep theirs. An empty text
// removes the fence. The mode of an existing ```output fence is kept. Everything else in
// the source is kept byte for byte (line endings become "\n").
func (d *Doc) UpdateOutputs(stdout, stderr map[int]string) []byte {
	var out []string
	pos := 0
	code := d.CodeCells()
	for k, c := range code {
		newOut, okOut := stdout[k]
		newErr, okErr := stderr[k]
		if !okOut && !okErr {
			continue
		}
		if !okOut {
			newOut = c.Expect.Stdout
		}
		if !okErr {
			newErr = c.Expect.Stderr
		}
		out = append(out, d.lines[pos:c.span[0]]...)
		fenceFor := func(word, text string) {
			if text == "" {
				return
			}
			marker := "```"
			for strings.Contains(text, marker) {
				marker += "`"
			}
			out = append(out, marker+word)
			out = append(out, strings.Split(strings.TrimSuffix(text, "\n"), "\n")...)
			out = append(out, marker)
		}
		word := "output"
		if c.Expect.Mode != Exact {
			word += " " + c.Expect.Mode.String()
		}
		fenceFor(word, newOut)
		fenceFor("stderr", newErr)
		pos = c.span[1]
	}
	out = append(out, d.lines[pos:]...)
	return []byte(strings.Join(out, "\n") + "\n")
}
