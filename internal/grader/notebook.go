package grader

import (
	"encoding/json"
	"fmt"
	"os"
	"strings"
)

// CellMeta is the metadata key ("d2l") that marks a solution cell of an
// exercise notebook and names the Go file it becomes.
type CellMeta struct {
	Exercise string `json:"exercise"`
	Section  string `json:"section"`
	File     string `json:"file"`
}

// ExtractedFile is one Go file rebuilt from a notebook's solution cells.
type ExtractedFile struct {
	Section, File string
	Source        []byte
}

// ExtractNotebook reads an exercise notebook and turns its solution cells (the
// code cells whose metadata carries "d2l": {"section", "file"}) into Go files:
// GoNB magics (%…, !…) are dropped, imports are hoisted to the top and the
// package clause is added. Cells naming the same file are joined in order.
func ExtractNotebook(path string) ([]ExtractedFile, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("grader.ExtractNotebook: %w", err)
	}
	var nb struct {
		Cells []struct {
			CellType string          `json:"cell_type"`
			Source   json.RawMessage `json:"source"`
			Metadata struct {
				D2L *CellMeta `json:"d2l"`
			} `json:"metadata"`
		} `json:"cells"`
	}
	if err := json.Unmarshal(b, &nb); err != nil {
		return nil, fmt.Errorf("grader.ExtractNotebook: argument path: got %s that is not a notebook (%v), want an .ipynb JSON file", path, err)
	}
	var order []string
	bodies := map[string][]string{}
	sections := map[string]string{}
	for _, c := range nb.Cells {
		m := c.Metadata.D2L
		if c.CellType != "code" || m == nil || m.File == "" || !sectionDirRE.MatchString(m.Section) ||
			strings.ContainsAny(m.File, `/\`) || !strings.HasSuffix(m.File, ".go") || strings.HasSuffix(m.File, "_test.go") {
			continue
		}
		key := m.Section + "/" + m.File
		if _, ok := bodies[key]; !ok {
			order = append(order, key)
			sections[key] = m.Section
		}
		bodies[key] = append(bodies[key], cellSource(c.Source))
	}
	var out []ExtractedFile
	for _, key := range order {
		sec := sections[key]
		out = append(out, ExtractedFile{Section: sec, File: strings.TrimPrefix(key, sec+"/"),
			Source: CellsToGo(sec, bodies[key])})
	}
	return out, nil
}

// cellSource accepts both forms of the ipynb "source" field (string or list).
func cellSource(raw json.RawMessage) string {
	var s string
	if json.Unmarshal(raw, &s) == nil {
		return s
	}
	var lines []string
	_ = json.Unmarshal(raw, &lines)
	return strings.Join(lines, "")
}

// CellsToGo turns GoNB cell sources into one Go file of package pkg.
func CellsToGo(pkg string, cells []string) []byte {
	var imports, body []string
	for _, src := range cells {
		lines := strings.Split(src, "\n")
		for i := 0; i < len(lines); i++ {
			t := strings.TrimSpace(lines[i])
			switch {
			case strings.HasPrefix(t, "%") || strings.HasPrefix(t, "!"):
			case strings.HasPrefix(t, "package "):
			case strings.HasPrefix(t, "import ("):
				for ; i < len(lines); i++ {
					imports = append(imports, lines[i])
					if strings.TrimSpace(lines[i]) == ")" {
						break
					}
				}
			case strings.HasPrefix(t, "import "):
				imports = append(imports, lines[i])
			default:
				body = append(body, lines[i])
			}
		}
		body = append(body, "")
	}
	var sb strings.Builder
	sb.WriteString("package " + pkg + "\n\n")
	for _, l := range imports {
		sb.WriteString(l + "\n")
	}
	sb.WriteString("\n" + strings.TrimSpace(strings.Join(body, "\n")) + "\n")
	return []byte(sb.String())
}

// GeneratedNotebooks returns the exercise notebooks (paths relative to
// notebooks/exercises). Filled in once internal/notebook lands.
func GeneratedNotebooks(l Layout) (map[string][]byte, error) { return map[string][]byte{}, nil }
