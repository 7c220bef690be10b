// Package notebook reads and writes Jupyter notebooks (nbformat 4) with just enough
// structure for d2l-go: cells, their sources and their outputs.
//
// Writing is deterministic and byte-compatible with Jupyter's own writer
// (keys sorted, one-space indent, multi-line strings split into lists of lines,
// no HTML escaping), so that committed notebooks diff cleanly whichever tool wrote them.
// Fields this package does not model (metadata, output data) are kept verbatim.
package notebook

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"sort"
	"strings"
)

// Cell types.
const (
	// Code is a cell executed by the kernel.
	Code = "code"
	// Markdown is a prose cell.
	Markdown = "markdown"
	// Raw is a cell passed through unrendered.
	Raw = "raw"
)

// Output types of a code cell.
const (
	// Stream is text written to stdout or stderr (Output.Name says which).
	Stream = "stream"
	// DisplayData is a rich display (image, HTML, ...) keyed by MIME type in Output.Data.
	DisplayData = "display_data"
	// ExecuteResult is the value of the last expression of a cell.
	ExecuteResult = "execute_result"
	// Error is an error reported by the kernel (compilation error, exception).
	Error = "error"
)

// Notebook is one .ipynb document.
type Notebook struct {
	// Cells in order.
	Cells []*Cell
	// Metadata is the notebook-level metadata (kernelspec, language_info, ...), kept verbatim.
	Metadata map[string]any
	// Nbformat and NbformatMinor are the format version (4 and 5 for notebooks written by d2l-go).
	Nbformat, NbformatMinor int
}

// Cell is one notebook cell.
type Cell struct {
	// Type is Code, Markdown or Raw.
	Type string
	// ID is the nbformat 4.5 cell id (letters, digits, '-' and '_'; unique in the notebook).
	ID string
	// Source is the cell's text.
	Source string
	// Metadata of the cell, kept verbatim (never nil after Parse).
	Metadata map[string]any
	// ExecutionCount of a code cell; nil before execution.
	ExecutionCount *int
	// Outputs of a code cell.
	Outputs []*Output
}

// Output is one output of a code cell.
type Output struct {
	// Type is Stream, DisplayData, ExecuteResult or Error.
	Type string
	// Name is "stdout" or "stderr" for a Stream.
	Name string
	// Text of a Stream.
	Text string
	// Data of a DisplayData or ExecuteResult, keyed by MIME type, kept verbatim.
	Data map[string]json.RawMessage
	// Metadata of a DisplayData or ExecuteResult.
	Metadata map[string]any
	// ExecutionCount of an ExecuteResult.
	ExecutionCount *int
	// EName, EValue and Traceback describe an Error.
	EName, EValue string
	// Traceback lines of an Error.
	Traceback []string
}

// New returns an empty nbformat 4.5 notebook with the given metadata (nil means none).
func New(metadata map[string]any) *Notebook {
	if metadata == nil {
		metadata = map[string]any{}
	}
	return &Notebook{Metadata: metadata, Nbformat: 4, NbformatMinor: 5}
}

// ReadFile parses the notebook stored in path.
func ReadFile(path string) (*Notebook, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("notebook.ReadFile: %w", err)
	}
	nb, err := Parse(data)
	if err != nil {
		return nil, fmt.Errorf("notebook.ReadFile: file %s: %w", path, err)
	}
	return nb, nil
}

// WriteFile writes nb to path in Jupyter's format (see Marshal).
func WriteFile(path string, nb *Notebook) error {
	data, err := nb.Marshal()
	if err != nil {
		return err
	}
	if err := os.WriteFile(path, data, 0o644); err != nil {
		return fmt.Errorf("notebook.WriteFile: %w", err)
	}
	return nil
}

// jsonNotebook, jsonCell and jsonOutput mirror the nbformat 4 JSON schema for decoding.
type jsonNotebook struct {
	Cells         []jsonCell     `json:"cells"`
	Metadata      map[string]any `json:"metadata"`
	Nbformat      int            `json:"nbformat"`
	NbformatMinor int            `json:"nbformat_minor"`
}

type jsonCell struct {
	CellType       string         `json:"cell_type"`
	ID             string         `json:"id"`
	Source         multiline      `json:"source"`
	Metadata       map[string]any `json:"metadata"`
	ExecutionCount *int           `json:"execution_count"`
	Outputs        []jsonOutput   `json:"outputs"`
}

type jsonOutput struct {
	OutputType     string                     `json:"output_type"`
	Name           string                     `json:"name"`
	Text           multiline                  `json:"text"`
	Data           map[string]json.RawMessage `json:"data"`
	Metadata       map[string]any             `json:"metadata"`
	ExecutionCount *int                       `json:"execution_count"`
	EName          string                     `json:"ename"`
	EValue         string                     `json:"evalue"`
	Traceback      []string                   `json:"traceback"`
}

// multiline is a string stored either as one JSON string or as a list of lines.
type multiline string

// UnmarshalJSON accepts a string or a list of strings (joined without separator).
func (m *multiline) UnmarshalJSON(b []byte) error {
	var s string
	if err := json.Unmarshal(b, &s); err == nil {
		*m = multiline(s)
		return nil
	}
	var lines []string
	if err := json.Unmarshal(b, &lines); err != nil {
		return fmt.Errorf("want a string or a list of strings, got %.40s", b)
	}
	*m = multiline(strings.Join(lines, ""))
	return nil
}

// Parse decodes a notebook from its JSON text. Only nbformat 4 is accepted.
func Parse(data []byte) (*Notebook, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	var jn jsonNotebook
	if err := dec.Decode(&jn); err != nil {
		return nil, fmt.Errorf("notebook.Parse: invalid JSON: %w", err)
	}
	if jn.Nbformat != 4 {
		return nil, fmt.Errorf("notebook.Parse: nbformat: got %d, want 4", jn.Nbformat)
	}
	nb := &Notebook{Metadata: jn.Metadata, Nbformat: jn.Nbformat, NbformatMinor: jn.NbformatMinor}
	if nb.Metadata == nil {
		nb.Metadata = map[string]any{}
	}
	for i, jc := range jn.Cells {
		switch jc.CellType {
		case Code, Markdown, Raw:
		default:
			return nil, fmt.Errorf("notebook.Parse: cell %d: cell_type: got %q, want code, markdown or raw", i, jc.CellType)
		}
		c := &Cell{Type: jc.CellType, ID: jc.ID, Source: string(jc.Source), Metadata: jc.Metadata, ExecutionCount: jc.ExecutionCount}
		if c.Metadata == nil {
			c.Metadata = map[string]any{}
		}
		for _, jo := range jc.Outputs {
			c.Outputs = append(c.Outputs, &Output{
				Type: jo.OutputType, Name: jo.Name, Text: string(jo.Text), Data: jo.Data, Metadata: jo.Metadata,
				ExecutionCount: jo.ExecutionCount, EName: jo.EName, EValue: jo.EValue, Traceback: jo.Traceback,
			})
		}
		nb.Cells = append(nb.Cells, c)
	}
	return nb, nil
}

// splitLines splits s after every "\n", as Jupyter stores multi-line strings.
// The empty string gives an empty list.
func splitLines(s string) []string {
	lines := []string{}
	for s != "" {
		i := strings.IndexByte(s, '\n')
		if i < 0 {
			lines = append(lines, s)
			break
		}
		lines = append(lines, s[:i+1])
		s = s[i+1:]
	}
	return lines
}

// emptyIfNil returns m, or an empty map when m is nil, so that it encodes as {}.
func emptyIfNil(m map[string]any) map[string]any {
	if m == nil {
		return map[string]any{}
	}
	return m
}

// value converts the output into the generic JSON tree Marshal encodes.
func (o *Output) value() map[string]any {
	v := map[string]any{"output_type": o.Type}
	switch o.Type {
	case Stream:
		v["name"] = o.Name
		v["text"] = splitLines(o.Text)
	case DisplayData, ExecuteResult:
		data := map[string]any{}
		for mime, raw := range o.Data {
			data[mime] = raw
		}
		v["data"] = data
		v["metadata"] = emptyIfNil(o.Metadata)
		if o.Type == ExecuteResult {
			v["execution_count"] = o.ExecutionCount
		}
	case Error:
		v["ename"] = o.EName
		v["evalue"] = o.EValue
		tb := o.Traceback
		if tb == nil {
			tb = []string{}
		}
		v["traceback"] = tb
	}
	return v
}

// value converts the cell into the generic JSON tree Marshal encodes.
func (c *Cell) value(withID bool) map[string]any {
	v := map[string]any{
		"cell_type": c.Type,
		"metadata":  emptyIfNil(c.Metadata),
		"source":    splitLines(c.Source),
	}
	if withID && c.ID != "" {
		v["id"] = c.ID
	}
	if c.Type == Code {
		v["execution_count"] = c.ExecutionCount
		outs := []any{}
		for _, o := range c.Outputs {
			outs = append(outs, o.value())
		}
		v["outputs"] = outs
	}
	return v
}

// Marshal encodes the notebook as Jupyter writes it: keys sorted, indented by one space,
// sources and stream texts as lists of lines, non-ASCII and HTML characters unescaped,
// a final newline.
func (nb *Notebook) Marshal() ([]byte, error) {
	withID := nb.Nbformat > 4 || nb.NbformatMinor >= 5
	cells := []any{}
	for _, c := range nb.Cells {
		cells = append(cells, c.value(withID))
	}
	v := map[string]any{
		"cells":          cells,
		"metadata":       emptyIfNil(nb.Metadata),
		"nbformat":       nb.Nbformat,
		"nbformat_minor": nb.NbformatMinor,
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", " ")
	if err := enc.Encode(v); err != nil {
		return nil, fmt.Errorf("notebook.Marshal: %w", err)
	}
	return buf.Bytes(), nil
}

// StreamText returns the concatenated text of the cell's stream outputs named name
// ("stdout" or "stderr"), in order.
func (c *Cell) StreamText(name string) string {
	var sb strings.Builder
	for _, o := range c.Outputs {
		if o.Type == Stream && o.Name == name {
			sb.WriteString(o.Text)
		}
	}
	return sb.String()
}

// displayPreference lists MIME types from most to least specific: the first one present
// names a display output in placeholders (see Output.Placeholder).
var displayPreference = []string{
	"image/svg+xml", "image/png", "image/jpeg", "image/gif", "text/html", "text/markdown",
	"text/latex", "application/json", "application/javascript", "text/plain",
}

// MIME returns the MIME type that names a display or result output: the first of
// image/svg+xml, image/png, image/jpeg, image/gif, text/html, text/markdown, text/latex,
// application/json, application/javascript, text/plain present in Data, else the
// alphabetically first key, else "".
//
// HTML that only wraps an image is named by the image's type: GoNB's gonbui.DisplaySVG
// sends an SVG as text/html "<div><svg ...", which is named image/svg+xml, and HTML
// that starts with an <img> of a data:image/png URL is named image/png.
func (o *Output) MIME() string {
	for _, m := range displayPreference {
		raw, ok := o.Data[m]
		if !ok {
			continue
		}
		if m == "text/html" {
			if sniffed := sniffHTML(raw); sniffed != "" {
				return sniffed
			}
		}
		return m
	}
	keys := make([]string, 0, len(o.Data))
	for k := range o.Data {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	if len(keys) > 0 {
		return keys[0]
	}
	return ""
}

// Placeholder returns the line that stands for a display or result output in expected
// outputs: "[display MIME]", e.g. "[display image/svg+xml]"; "" for other outputs.
func (o *Output) Placeholder() string {
	if o.Type != DisplayData && o.Type != ExecuteResult {
		return ""
	}
	return "[display " + o.MIME() + "]"
}

// sniffHTML returns the image type an HTML display wraps, or "" when it is other HTML.
func sniffHTML(raw json.RawMessage) string {
	var text multiline
	if err := json.Unmarshal(raw, &text); err != nil {
		return ""
	}
	h := strings.TrimSpace(string(text))
	h = strings.TrimPrefix(h, "<div>")
	h = strings.TrimSpace(h)
	switch {
	case strings.HasPrefix(h, "<svg"), strings.HasPrefix(h, "<?xml") && strings.Contains(h, "<svg"):
		return "image/svg+xml"
	case strings.HasPrefix(h, "<img") && strings.Contains(h, "data:image/png"):
		return "image/png"
	}
	return ""
}
