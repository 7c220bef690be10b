package grader

import (
	"errors"
	"fmt"
	"go/ast"
	"go/format"
	"go/parser"
	"go/scanner"
	"go/token"
	"io"
	"maps"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/d2l-go/d2l-go/internal/safezip"
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
	// Modified is the newest modification time of the files read (zero when none).
	Modified time.Time
	// Origins says where each file came from, by "sec63/mirror_pad.go": its
	// path in the submission ("exercises/sec63/mirror_pad.go",
	// "6.3-exercises.ipynb", "hw.zip/sec63/mirror_pad.go").
	Origins map[string]string
	// CellLines maps, for a file built from a notebook's cells, each of its
	// lines (index line-1) to the cell and line it came from.
	CellLines map[string][]CellLine
}

var sectionDirRE = regexp.MustCompile(`^sec6\d$`)

// maxAnswerBytes bounds one free-text answer in the reports.
const maxAnswerBytes = 32 << 10

// LoadSubmission reads a student's folder, as students hand it in: a copy of
// exercises/ (or a folder holding one), the exercise notebooks, the Go files
// alone (flattened, as Gradescope's upload keeps them), a zip of any of these,
// or a mix.
//
//   - A .go file in a sec6N folder (at most three folders deep) is that
//     section's file; a .go file elsewhere goes to the section its package
//     clause names (or whose exercise file has its name), unless the section
//     already has a file of that name from a sec6N folder.
//   - ANSWERS.md in a sec6N folder answers that section's manual items; one
//     elsewhere (ANSWERS*.md) answers any item by the ids of its headings.
//   - An *.ipynb exercise notebook gives its solution cells (where no Go file
//     of the same name exists, or the Go file is the untouched stub and the
//     cell is not) and its answer cells.
//   - A .zip file (at any of those places) is read as if its files were
//     there, under safezip's limits; zips inside it are not opened.
//
// Unchanged copies of the public tests (cat.TestFiles) are ignored without a
// word; other _test.go files, a go.mod with replace directives, files of unknown
// sections, symbolic links and special files are ignored with a note.
func LoadSubmission(dir string, cat *Catalog) (*Submission, error) {
	s := &Submission{Name: filepath.Base(dir), Dir: dir, Files: map[string]map[string][]byte{}, Answers: map[string]string{},
		Origins: map[string]string{}, CellLines: map[string][]CellLine{}}
	manual := map[string]string{} // manual item id -> section
	for _, e := range cat.Exercises {
		if e.Kind == KindManual {
			manual[e.ID] = e.Section
		}
	}
	known := map[string]bool{}
	for _, sec := range cat.Sections() {
		known[sec] = true
	}
	var files []subFile
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
		limit := int64(maxSourceBytes)
		switch kind := fileRole(d.Name()); kind {
		case "":
			return nil
		case ".ipynb":
			limit = maxNotebookBytes
		case ".zip":
			limit = maxZipBytes
		}
		b, err := readRegular(p, limit)
		if err != nil {
			s.note("%s: skipped: %v", rel(dir, p), err)
			return nil
		}
		info, _ := d.Info()
		f := subFile{rel: filepath.ToSlash(rel(dir, p)), data: b}
		if info != nil {
			f.mod = info.ModTime()
		}
		files = append(files, f)
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("grader.LoadSubmission: %w", err)
	}
	// The files inside zips come after the folder's own, which win.
	var unzipped []subFile
	for _, f := range files {
		if fileRole(path.Base(f.rel)) != ".zip" {
			continue
		}
		skipped, err := safezip.Walk(f.data, safezip.DefaultLimits, func(z safezip.File) error {
			if fileRole(path.Base(z.Name)) != "" && fileRole(path.Base(z.Name)) != ".zip" && !hiddenPath(z.Name) {
				unzipped = append(unzipped, subFile{rel: f.rel + "/" + z.Name, data: z.Data, mod: z.Modified})
			}
			return nil
		})
		if err != nil {
			s.note("%s: not read: %s", f.rel, strings.TrimPrefix(err.Error(), "safezip.Walk: "))
		}
		for _, sk := range skipped {
			s.note("%s: %s skipped: %s", f.rel, sk.Name, sk.Why)
		}
	}
	files = append(files, unzipped...)

	addAnswers := func(from string, section string, answers map[string]string) {
		for _, id := range slices.Sorted(maps.Keys(answers)) {
			a := answers[id]
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
	// A copy of a public test (wherever it is) is what every honest submission has.
	publicTest := map[string]bool{}
	for _, h := range cat.TestFiles {
		publicTest[h] = true
	}
	codeFiles := map[string][]string{} // exercise file name -> sections
	for _, e := range cat.Exercises {
		if e.Kind == KindCode {
			codeFiles[e.File] = append(codeFiles[e.File], e.Section)
		}
	}
	var ownTests, flat []string
	var notebooks []subFile
	use := func(f subFile, sec, name string) bool {
		if _, ok := s.Files[sec][name]; ok {
			return false
		}
		if s.Files[sec] == nil {
			s.Files[sec] = map[string][]byte{}
		}
		s.Files[sec][name] = f.data
		s.Origins[sec+"/"+name] = f.rel
		if f.mod.After(s.Modified) {
			s.Modified = f.mod
		}
		return true
	}
	// Go files in section folders first, then those elsewhere (flattened).
	for pass := 0; pass < 2; pass++ {
		for _, f := range files {
			name, parent := path.Base(f.rel), path.Base(path.Dir(f.rel))
			if fileRole(name) != ".go" || sectionDirRE.MatchString(parent) != (pass == 0) || helperDirs[parent] {
				continue // (grid/ and testutil/: every copy of exercises/ has them; the grader uses its own)
			}
			if pass == 0 && !known[parent] {
				s.note("%s: ignored (no such section in the catalog)", f.rel)
				continue
			}
			if strings.HasSuffix(name, "_test.go") {
				if !publicTest[contentHash(f.data)] {
					ownTests = append(ownTests, f.rel)
				}
				continue
			}
			sec := parent
			if pass == 1 {
				sec = placeFlat(f.data, name, known, codeFiles)
				if sec == "" {
					s.note("%s: ignored: it is in no sec6N folder, and neither its package clause nor its name says which section it belongs to", f.rel)
					continue
				}
			}
			if !use(f, sec, name) {
				s.note("%s: ignored: %s/%s was already handed in (%s)", f.rel, sec, name, s.Origins[sec+"/"+name])
				continue
			}
			if pass == 1 {
				flat = append(flat, f.rel+" → "+sec+"/"+name)
			}
		}
	}
	if len(flat) > 0 {
		s.note("files outside sec6N folders, placed by their package clause or name: %s", strings.Join(flat, ", "))
	}
	if len(ownTests) > 0 {
		s.note("ignored: %s (tests always come from the grader; these are not copies of its public tests)", strings.Join(ownTests, ", "))
	}
	for _, f := range files {
		name, parent := path.Base(f.rel), path.Base(path.Dir(f.rel))
		switch fileRole(name) {
		case ".md":
			section := ""
			if sectionDirRE.MatchString(parent) {
				if !known[parent] {
					continue
				}
				section = parent
			}
			addAnswers(f.rel, section, ParseAnswers(f.data))
			if f.mod.After(s.Modified) {
				s.Modified = f.mod
			}
		case "go.mod":
			if hasForeignReplace(f.data) {
				s.note("%s: ignored, with its replace directives (the grader always builds with its own go.mod)", f.rel)
			}
		case ".ipynb":
			notebooks = append(notebooks, f)
		}
	}
	sort.Slice(notebooks, func(i, j int) bool { return notebooks[i].rel < notebooks[j].rel })
	for _, nb := range notebooks {
		if answers, err := extractAnswers(nb.data); err == nil {
			addAnswers(nb.rel, "", answers)
		}
		cells, err := extractNotebook(nb.data)
		if err != nil {
			s.note("%s: %s", nb.rel, strings.TrimPrefix(err.Error(), "grader.ExtractNotebook: "))
			continue
		}
		for _, c := range cells {
			if !known[c.Section] {
				continue
			}
			key := c.Section + "/" + c.File
			stub, hasStub := cat.Stubs[key]
			if prev, ok := s.Files[c.Section][c.File]; ok && hasStub && sameCode(prev, []byte(stub)) && !sameCode(c.Source, []byte(stub)) {
				// The Go file is the untouched stub and the cell is not: the student worked in the notebook.
				s.note("%s is the untouched stub; its solution cell in %s was used", s.Origins[key], nb.rel)
				delete(s.Files[c.Section], c.File)
			}
			if !use(subFile{rel: nb.rel, data: c.Source, mod: nb.mod}, c.Section, c.File) {
				if !hasStub || !sameCode(c.Source, []byte(stub)) {
					s.note("%s: cell for %s ignored (the Go file %s wins)", nb.rel, key, s.Origins[key])
				}
				continue
			}
			s.CellLines[key] = c.Lines
		}
	}
	return s, nil
}

// helperDirs are the library folders of exercises/, which the grader always
// takes from the checkout.
var helperDirs = map[string]bool{"grid": true, "testutil": true}

// subFile is one file of a submission, read from its folder or a zip in it.
type subFile struct {
	rel  string // slash-separated, from the submission's folder ("a.zip/sec63/x.go" inside a zip)
	data []byte
	mod  time.Time
}

// fileRole says what LoadSubmission reads a file as: ".go", ".md" (answers),
// ".ipynb", ".zip", "go.mod", or "" (not read).
func fileRole(name string) string {
	lower := strings.ToLower(name)
	switch {
	case strings.HasSuffix(name, ".go"):
		return ".go"
	case strings.HasPrefix(lower, "answers") && strings.HasSuffix(lower, ".md"):
		return ".md"
	case strings.HasSuffix(lower, ".ipynb"):
		return ".ipynb"
	case strings.HasSuffix(lower, ".zip"):
		return ".zip"
	case name == "go.mod":
		return "go.mod"
	}
	return ""
}

// hiddenPath reports whether a path inside a zip has a dot-named element
// (.git/, __MACOSX's ._ files), which LoadSubmission skips as it skips
// dot-named folders.
func hiddenPath(p string) bool {
	for _, el := range strings.Split(p, "/") {
		if strings.HasPrefix(el, ".") || el == "__MACOSX" {
			return true
		}
	}
	return false
}

// placeFlat returns the section of a .go file found outside a sec6N folder:
// the one its package clause names, else the one whose exercise file has its
// name, or "".
func placeFlat(src []byte, name string, known map[string]bool, codeFiles map[string][]string) string {
	if f, err := parser.ParseFile(token.NewFileSet(), name, src, parser.PackageClauseOnly); err == nil && known[f.Name.Name] {
		return f.Name.Name
	}
	if secs := codeFiles[name]; len(secs) == 1 {
		return secs[0]
	}
	return ""
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
	maxZipBytes      = 32 << 20
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

// UseNotebook takes the solution cells of an exercise notebook into the
// submission (`d2l check` of a copy of exercises/ and the notebooks beside
// it). With changedOnly, a cell replaces its Go file only when the cell was
// changed from the stub and the Go file was not; otherwise every cell does.
// It returns the files it took ("sec63/mirror_pad.go").
func (s *Submission) UseNotebook(path string, cat *Catalog, changedOnly bool) ([]string, error) {
	b, err := readRegular(path, maxNotebookBytes)
	if err != nil {
		return nil, fmt.Errorf("grader.UseNotebook: %w", err)
	}
	cells, err := extractNotebook(b)
	if err != nil {
		return nil, fmt.Errorf("grader.UseNotebook: %s: %w", filepath.Base(path), err)
	}
	var took []string
	for _, c := range cells {
		key := c.Section + "/" + c.File
		stub, ok := cat.Stubs[key]
		if !ok {
			continue
		}
		if changedOnly && (sameCode(c.Source, []byte(stub)) || !sameCode(s.Files[c.Section][c.File], []byte(stub))) {
			continue
		}
		if s.Files[c.Section] == nil {
			s.Files[c.Section] = map[string][]byte{}
		}
		s.Files[c.Section][c.File] = c.Source
		s.Origins[key] = filepath.Base(path)
		s.CellLines[key] = c.Lines
		took = append(took, key)
	}
	return took, nil
}

// sameCode reports whether two Go files declare the same code, whatever their
// imports, comments and layout: what a notebook's cell and its stub file
// share while the student has not changed either.
func sameCode(a, b []byte) bool {
	decls := func(src []byte) (string, bool) {
		fset := token.NewFileSet()
		f, err := parser.ParseFile(fset, "x.go", src, 0)
		if err != nil {
			return "", false
		}
		var sb strings.Builder
		for _, d := range f.Decls {
			if g, ok := d.(*ast.GenDecl); ok && g.Tok == token.IMPORT {
				continue
			}
			_ = format.Node(&sb, fset, d)
			sb.WriteString("\n")
		}
		return sb.String(), true
	}
	da, okA := decls(a)
	db, okB := decls(b)
	return okA && okB && da == db
}
