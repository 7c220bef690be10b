package grader

import (
	"errors"
	"fmt"
	"go/ast"
	"go/parser"
	"go/scanner"
	"go/token"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"syscall"
)

// Submission is what one student handed in: Go files per section package,
// read from a copy of exercises/ or extracted from exercise notebooks.
type Submission struct {
	Name  string                       // folder name, used as the student's ID
	Dir   string                       // the folder read (never written)
	Files map[string]map[string][]byte // section -> file name -> source
	// Answers holds the free-text answers of manual items, by exercise id: from
	// secNN/ANSWERS.md, else from the answer cells of the exercise notebooks.
	Answers map[string]string
	Notes   []string // what was ignored and why
}

var sectionDirRE = regexp.MustCompile(`^sec6\d$`)

// maxAnswerBytes bounds one free-text answer in the reports.
const maxAnswerBytes = 32 << 10

// LoadSubmission reads a student's folder: any sec6N folders (at any depth up
// to three levels) contribute their .go files; *.ipynb exercise notebooks
// contribute their solution cells where no Go file of the same name exists.
// _test.go files, go.mod/go.sum and unknown sections are noted and ignored.
func LoadSubmission(dir string, cat *Catalog) (*Submission, error) {
	s := &Submission{Name: filepath.Base(dir), Dir: dir, Files: map[string]map[string][]byte{}, Answers: map[string]string{}}
	manual := map[string]string{} // manual item id -> section
	for _, e := range cat.Exercises {
		if e.Kind == KindManual {
			manual[e.ID] = e.Section
		}
	}
	addAnswers := func(from string, section string, answers map[string]string) {
		for id, a := range answers {
			if a == "" || (section != "" && manual[id] != section) || manual[id] == "" {
				continue
			}
			if len(a) > maxAnswerBytes {
				a = strings.ToValidUTF8(truncate(a, maxAnswerBytes), "") // keeps the reports readable
				s.note("%s: answer to %s cut at %d bytes", from, id, maxAnswerBytes)
			}
			if prev, ok := s.Answers[id]; ok && prev != a {
				s.note("%s: answer to %s ignored (an earlier file already answers it)", from, id)
				continue
			}
			s.Answers[id] = a
		}
	}
	known := map[string]bool{}
	for _, sec := range cat.Sections() {
		known[sec] = true
	}
	var notebooks []string
	ignoredTests := 0
	base := strings.Count(filepath.Clean(dir), string(filepath.Separator))
	err := filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err != nil {
			if p != dir {
				s.note("%s: skipped: cannot be read", rel(dir, p))
				return nil
			}
			return err
		}
		if d.Type()&os.ModeSymlink != 0 {
			s.note("%s: symbolic link ignored", rel(dir, p))
			return nil
		}
		if !d.IsDir() && !d.Type().IsRegular() {
			s.note("%s: skipped: not a regular file (%s)", rel(dir, p), fileKind(d.Type()))
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
		case name == AnswersFile && sectionDirRE.MatchString(parent) && known[parent]:
			b, err := readRegular(p, maxSourceBytes)
			if err != nil {
				s.note("%s: skipped: %v", rel(dir, p), err)
				return nil
			}
			addAnswers(rel(dir, p), parent, ParseAnswers(b))
		case name == "go.mod":
			if b, err := readRegular(p, maxSourceBytes); err == nil && hasForeignReplace(b) {
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
			b, err := readRegular(p, maxSourceBytes)
			if err != nil {
				s.note("%s: skipped: %v", rel(dir, p), err)
				return nil
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
		if answers, err := ExtractAnswers(nb); err == nil {
			addAnswers(rel(dir, nb), "", answers)
		}
		cells, err := ExtractNotebook(nb)
		if err != nil {
			s.note("%s: %s", rel(dir, nb), strings.ReplaceAll(strings.ReplaceAll(err.Error(), nb, filepath.Base(nb)), dir+string(filepath.Separator), ""))
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

// The most a submitted file may weigh; larger files are skipped with a note.
const (
	maxSourceBytes   = 1 << 20
	maxNotebookBytes = 8 << 20
)

// readRegular reads a regular file of at most max bytes without following a
// symbolic link and without blocking on a FIFO or a device.
func readRegular(p string, max int64) ([]byte, error) {
	f, err := os.OpenFile(p, os.O_RDONLY|syscall.O_NOFOLLOW|syscall.O_NONBLOCK, 0)
	if err != nil {
		return nil, fmt.Errorf("cannot be read (%s)", errText(err))
	}
	defer f.Close()
	info, err := f.Stat()
	if err != nil {
		return nil, err
	}
	if !info.Mode().IsRegular() {
		return nil, fmt.Errorf("not a regular file (%s)", fileKind(info.Mode().Type()))
	}
	if info.Size() > max {
		return nil, fmt.Errorf("too large (%d bytes; at most %d)", info.Size(), max)
	}
	b, err := io.ReadAll(io.LimitReader(f, max+1))
	if err != nil {
		return nil, err
	}
	if int64(len(b)) > max {
		return nil, fmt.Errorf("too large (more than %d bytes)", max)
	}
	return b, nil
}

// errText is an error without the path an *os.PathError carries.
func errText(err error) string {
	var pe *os.PathError
	if errors.As(err, &pe) {
		return pe.Err.Error()
	}
	return err.Error()
}

// fileKind names a non-regular file type.
func fileKind(m os.FileMode) string {
	switch {
	case m&os.ModeSymlink != 0:
		return "symbolic link"
	case m&os.ModeNamedPipe != 0:
		return "named pipe"
	case m&os.ModeSocket != 0:
		return "socket"
	case m&os.ModeDevice != 0:
		return "device"
	case m.IsDir():
		return "folder"
	}
	return "special file"
}

// baseAllowed are the standard packages every section may import: pure
// computation and formatting, nothing that reaches files, processes, flags,
// the environment, the network, the runtime or memory directly.
var baseAllowed = []string{
	"cmp", "errors", "fmt", "maps", "math", "math/bits", "math/cmplx", "math/rand/v2",
	"slices", "sort", "strconv", "strings", "sync", "sync/atomic", "time", "unicode", "unicode/utf8",
}

// projectAllowed are the project packages (as a student's file names them)
// and, for each, the only identifiers a submission may use from it: none of
// them reads or writes files, starts processes, or reads flags or the
// environment (d2l's data loaders, plotting, printing and backend selection
// are left out). An empty list allows the whole package.
var projectAllowed = map[string][]string{
	exercisesPrefix + "grid":              nil,
	solutionsPrefix + "grid":              nil,
	RepoModule + "/d2l":                   d2lAllowed,
	"github.com/gomlx/gomlx/core/tensors": {"Tensor", "FromFlatDataAndDimensions", "FromValue", "FromShape", "FromAnyValue"},
}

// d2lAllowed are the d2l identifiers a submission may use: the layers, their
// options and the LeNet of 6.6.
var d2lAllowed = []string{
	"Module", "Sequential", "NewSequential", "NewConv2d", "NewLinear", "NewFlatten", "NewReLU", "NewSigmoid",
	"NewTanh", "NewMaxPool2d", "NewAvgPool2d", "NewDropout", "KernelSize", "Padding", "Stride", "LeNet",
	"Conv2d", "Linear", "Flatten", "ReLU", "Sigmoid", "Tanh", "MaxPool2d", "AvgPool2d",
}

// sectionImports returns the imports a section's submission may use: the
// base standard packages and the project packages the section's reference
// code imports.
func sectionImports(l Layout, sec string) map[string][]string {
	allowed := map[string][]string{}
	for _, p := range baseAllowed {
		allowed[p] = nil
	}
	paths, _ := filepath.Glob(filepath.Join(l.Solutions, sec, "*.go"))
	if len(paths) == 0 { // a student's clone without solutions/: every project package
		for p, ids := range projectAllowed {
			allowed[p] = ids
		}
		return allowed
	}
	for _, p := range paths {
		if strings.HasSuffix(p, "_test.go") {
			continue
		}
		b, err := readRegular(p, maxSourceBytes)
		if err != nil {
			continue
		}
		f, err := parser.ParseFile(token.NewFileSet(), p, b, parser.ImportsOnly)
		if err != nil {
			continue
		}
		for _, is := range f.Imports {
			ip, _ := strconv.Unquote(is.Path.Value)
			ip = strings.Replace(ip, solutionsPrefix, exercisesPrefix, 1)
			if ids, ok := projectAllowed[ip]; ok {
				allowed[ip] = ids
				if ip == exercisesPrefix+"grid" {
					allowed[solutionsPrefix+"grid"] = nil
				}
			}
		}
	}
	return allowed
}

// CheckSource parses a submitted file and returns why it must be rejected,
// or "" when it may be compiled: a file that does not parse (with the parser's
// message), an import outside allowed (nil: the base standard packages and
// every project package of projectAllowed), an identifier of a project
// package outside its list, a directive other than //go:build, //go:noinline
// and //go:nosplit (//go:linkname, //go:embed, //line, cgo's), found in every
// comment of the file, whatever its place, a byte order mark or line endings.
func CheckSource(name string, src []byte, allowed map[string][]string) string {
	if allowed == nil {
		allowed = map[string][]string{}
		for _, p := range baseAllowed {
			allowed[p] = nil
		}
		for p, ids := range projectAllowed {
			allowed[p] = ids
		}
	}
	if why := checkDirectives(name, src); why != "" {
		return why
	}
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, name, src, parser.ParseComments|parser.SkipObjectResolution)
	if err != nil {
		var list scanner.ErrorList
		if errors.As(err, &list) && len(list) > 0 {
			return fmt.Sprintf("%s does not parse: %v", name, list[0])
		}
		return fmt.Sprintf("%s does not parse: %v", name, err)
	}
	names := map[string][]string{} // local name -> allowed identifiers
	var list []string
	for p := range allowed {
		list = append(list, p)
	}
	sort.Strings(list)
	for _, is := range f.Imports {
		p, _ := strconv.Unquote(is.Path.Value)
		ids, ok := allowed[p]
		if !ok {
			return fmt.Sprintf("%s:%d: import %q is not allowed; this section may import only %s", name, fset.Position(is.Pos()).Line, p, strings.Join(list, ", "))
		}
		local := p[strings.LastIndex(p, "/")+1:]
		if p == "math/rand/v2" {
			local = "rand"
		}
		if is.Name != nil {
			local = is.Name.Name
		}
		if local == "." && len(ids) > 0 {
			return fmt.Sprintf("%s:%d: import %q may not be a dot import", name, fset.Position(is.Pos()).Line, p)
		}
		if len(ids) > 0 {
			names[local] = ids
		}
	}
	var why string
	ast.Inspect(f, func(n ast.Node) bool {
		sel, ok := n.(*ast.SelectorExpr)
		if !ok || why != "" {
			return why == ""
		}
		x, ok := sel.X.(*ast.Ident)
		if !ok {
			return true
		}
		if ids, ok := names[x.Name]; ok && !slices.Contains(ids, sel.Sel.Name) {
			why = fmt.Sprintf("%s:%d: %s.%s is not allowed in a submission; allowed from %s: %s", name, fset.Position(sel.Pos()).Line, x.Name, sel.Sel.Name, x.Name, strings.Join(ids, ", "))
		}
		return true
	})
	return why
}

// allowedDirectives are the //go: directives a submission may hold.
var allowedDirectives = []string{"//go:build", "//go:noinline", "//go:nosplit"}

// checkDirectives scans every comment of the file (go/scanner, which skips a
// leading byte order mark like the compiler) and returns why one is a
// directive a submission may not hold: any //go: or /*go: other than
// allowedDirectives, a line directive (//line, /*line), a cgo directive
// (#cgo). A file the scanner cannot read is left to the parser.
func checkDirectives(name string, src []byte) string {
	fset := token.NewFileSet()
	file := fset.AddFile(name, -1, len(src))
	var sc scanner.Scanner
	sc.Init(file, src, nil, scanner.ScanComments)
	for {
		pos, tok, lit := sc.Scan()
		if tok == token.EOF {
			return ""
		}
		if tok != token.COMMENT {
			continue
		}
		text := strings.TrimRight(lit, "\r")
		var body string
		if b, ok := strings.CutPrefix(text, "//"); ok {
			body = b
		} else {
			body = strings.TrimSuffix(strings.TrimPrefix(text, "/*"), "*/")
		}
		for _, line := range strings.Split(body, "\n") {
			t := strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(line), "*"))
			d := strings.Fields("//" + t)
			switch {
			case len(d) == 0:
			case strings.HasPrefix(t, "go:"):
				if !slices.Contains(allowedDirectives, d[0]) || !strings.HasPrefix(text, "//") {
					return fmt.Sprintf("%s:%d: directive %q is not allowed", name, fset.Position(pos).Line, d[0])
				}
			case strings.HasPrefix(t, "line ") || strings.HasPrefix(t, "#cgo") || strings.HasPrefix(t, "export ") || strings.HasPrefix(t, "extern "):
				return fmt.Sprintf("%s:%d: directive %q is not allowed", name, fset.Position(pos).Line, "//"+strings.Fields(t)[0])
			}
		}
	}
}

// checkPackageClause returns why a submitted file of section sec must be
// rejected for its package clause (it must be `package sec`), or "".
func checkPackageClause(name string, src []byte, sec string) string {
	f, err := parser.ParseFile(token.NewFileSet(), name, src, parser.PackageClauseOnly)
	if err != nil {
		return "" // CheckSource reports it
	}
	if f.Name.Name != sec {
		return fmt.Sprintf("%s: package %s, want package %s (the section's package)", name, f.Name.Name, sec)
	}
	return ""
}
