package grader

import (
	"fmt"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
)

// Submission is what one student handed in: Go files per section package,
// read from a copy of exercises/ or extracted from exercise notebooks.
type Submission struct {
	Name  string                       // folder name, used as the student's ID
	Dir   string                       // the folder read (never written)
	Files map[string]map[string][]byte // section -> file name -> source
	Notes []string                     // what was ignored and why
}

var sectionDirRE = regexp.MustCompile(`^sec6\d$`)

// LoadSubmission reads a student's folder: any sec6N folders (at any depth up
// to three levels) contribute their .go files; *.ipynb exercise notebooks
// contribute their solution cells where no Go file of the same name exists.
// _test.go files, go.mod/go.sum and unknown sections are noted and ignored.
func LoadSubmission(dir string, cat *Catalog) (*Submission, error) {
	s := &Submission{Name: filepath.Base(dir), Dir: dir, Files: map[string]map[string][]byte{}}
	known := map[string]bool{}
	for _, sec := range cat.Sections() {
		known[sec] = true
	}
	var notebooks []string
	ignoredTests := 0
	base := strings.Count(filepath.Clean(dir), string(filepath.Separator))
	err := filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.Type()&os.ModeSymlink != 0 {
			s.note("%s: symbolic link ignored", rel(dir, p))
			return nil
		}
		if d.IsDir() {
			if strings.Count(filepath.Clean(p), string(filepath.Separator))-base > 3 || strings.HasPrefix(d.Name(), ".") && p != dir {
				return filepath.SkipDir
			}
			return nil
		}
		name := d.Name()
		parent := filepath.Base(filepath.Dir(p))
		switch {
		case strings.HasSuffix(name, ".ipynb"):
			notebooks = append(notebooks, p)
		case name == "go.mod":
			if b, err := os.ReadFile(p); err == nil && hasForeignReplace(b) {
				s.note("%s: ignored, with its replace directives (the grader always builds with its own go.mod)", rel(dir, p))
			}
		case strings.HasSuffix(name, ".go") && sectionDirRE.MatchString(parent):
			if !known[parent] {
				s.note("%s: ignored (no such section in the catalog)", rel(dir, p))
				return nil
			}
			if strings.HasSuffix(name, "_test.go") {
				ignoredTests++
				return nil
			}
			b, err := os.ReadFile(p)
			if err != nil {
				return err
			}
			if s.Files[parent] == nil {
				s.Files[parent] = map[string][]byte{}
			}
			s.Files[parent][name] = b
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("grader.LoadSubmission: %w", err)
	}
	if ignoredTests > 0 {
		s.note("%d *_test.go files of the submission ignored (tests always come from the grader)", ignoredTests)
	}
	sort.Strings(notebooks)
	for _, nb := range notebooks {
		cells, err := ExtractNotebook(nb)
		if err != nil {
			s.note("%s: %v", rel(dir, nb), err)
			continue
		}
		for _, c := range cells {
			if !known[c.Section] {
				continue
			}
			if s.Files[c.Section] == nil {
				s.Files[c.Section] = map[string][]byte{}
			}
			if _, ok := s.Files[c.Section][c.File]; ok {
				s.note("%s: cell for %s/%s ignored (the Go file wins)", rel(dir, nb), c.Section, c.File)
				continue
			}
			s.Files[c.Section][c.File] = c.Source
		}
	}
	return s, nil
}

func (s *Submission) note(format string, args ...any) {
	s.Notes = append(s.Notes, fmt.Sprintf(format, args...))
}

func rel(base, p string) string {
	if r, err := filepath.Rel(base, p); err == nil {
		return r
	}
	return p
}

// hasForeignReplace reports whether a go.mod has a replace directive other
// than the generated exercises module's own `replace github.com/d2l-go/d2l-go => ../`.
func hasForeignReplace(gomod []byte) bool {
	for _, line := range strings.Split(string(gomod), "\n") {
		t := strings.Join(strings.Fields(line), " ")
		t = strings.TrimPrefix(t, "replace ")
		if strings.Contains(t, "=>") && t != RepoModule+" => ../" {
			return true
		}
		if strings.HasPrefix(strings.TrimSpace(line), "replace (") {
			return true
		}
	}
	return false
}

// forbiddenImport says why an import path may not appear in a submission, or "".
func forbiddenImport(path string) string {
	switch {
	case path == "os/exec", path == "unsafe", path == "syscall", path == "plugin", path == "C",
		path == "os/signal", path == "runtime/cgo", path == "runtime/debug", path == "embed",
		path == "net" || strings.HasPrefix(path, "net/"),
		strings.HasPrefix(path, "golang.org/x/sys"):
		return "may run programs, touch memory or the system directly"
	case path == solutionsPrefix+"grid" || path == solutionsPrefix+"testutil":
		return "" // the given helpers, rewritten to exercises/…
	case strings.HasPrefix(path, RepoModule+"/internal/"), strings.HasPrefix(path, solutionsPrefix),
		strings.HasPrefix(path, ExercisesModule+"/internal/"), strings.HasPrefix(path, "internal/"),
		strings.Contains(path, "/hidden"), strings.Contains(path, "/grader"):
		return "is the grader's or the reference's code"
	}
	return ""
}

// CheckSource parses a submitted file and returns why it must be rejected
// (forbidden imports, //go:linkname, cgo), or "" when it may be compiled. A
// file that does not parse is not rejected here: the compiler reports it.
func CheckSource(name string, src []byte) string {
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, name, src, parser.ImportsOnly|parser.ParseComments)
	if err != nil {
		return ""
	}
	for _, is := range f.Imports {
		p, _ := strconv.Unquote(is.Path.Value)
		if why := forbiddenImport(p); why != "" {
			return fmt.Sprintf("%s:%d: import %q is not allowed (%s)", name, fset.Position(is.Pos()).Line, p, why)
		}
	}
	for _, line := range strings.Split(string(src), "\n") {
		t := strings.TrimSpace(line)
		if strings.HasPrefix(t, "//go:linkname") || strings.HasPrefix(t, "//go:embed") || strings.HasPrefix(t, "#cgo") {
			return fmt.Sprintf("%s: directive %q is not allowed", name, strings.Fields(t)[0])
		}
	}
	return ""
}
