package grader

import (
	"bufio"
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"time"
)

// Kind says how an exercise is scored.
type Kind string

// The kinds of exercise.
const (
	KindCode   Kind = "code"   // Go functions scored by tests
	KindManual Kind = "manual" // free text scored by hand with a rubric
)

// Test is one test function of an exercise.
type Test struct {
	Name   string `json:"name"`   // Go test function, e.g. "TestMirrorPad1D"
	Points int    `json:"points"` // points when it passes
	Hidden bool   `json:"hidden,omitempty"`
	// Timeout overrides the run's per-test time limit when longer (e.g. a training run).
	Timeout time.Duration `json:"timeout,omitempty"`
	// Doc is what the test checks, in words: the first sentence of its doc comment
	// without the function's name ("compares with the reference on random inputs").
	// The feedback of a failed hidden test shows it instead of the test's output.
	Doc string `json:"doc,omitempty"`
}

// Exercise is one numbered exercise (or one part of it), e.g. "6.3-4".
type Exercise struct {
	ID      string `json:"id"`      // "6.3-4"
	Section string `json:"section"` // Go package of the section, "sec63"
	Title   string `json:"title"`   // short Chinese title
	Kind    Kind   `json:"kind"`
	File    string `json:"file,omitempty"` // code: the one Go file the student edits
	// Forbid lists what the file may not use, as the question says: a builtin ("max") or a
	// package function ("grid.Pool2D", "math.Max"); CheckRules enforces it.
	Forbid   []string `json:"forbid,omitempty"`
	Question string   `json:"question,omitempty"` // Markdown, 简体中文
	// Manual exercises: points, rubric and reference answer (grade mode only).
	ManualPoints int    `json:"manual_points,omitempty"`
	Rubric       string `json:"rubric,omitempty"`
	Answer       string `json:"answer,omitempty"` // the reference answer (never in the student catalog)
	Public       []Test `json:"public,omitempty"`
	Hidden       []Test `json:"hidden,omitempty"` // names are dropped in the student catalog
	// HiddenCount and HiddenPoints describe the hidden tests in the student catalog.
	HiddenCount  int `json:"hidden_count,omitempty"`
	HiddenPoints int `json:"hidden_points,omitempty"`
}

// MaxPoints is the most the exercise can score.
func (e *Exercise) MaxPoints() int {
	if e.Kind == KindManual {
		return e.ManualPoints
	}
	n := 0
	for _, t := range e.Public {
		n += t.Points
	}
	if len(e.Hidden) > 0 {
		for _, t := range e.Hidden {
			n += t.Points
		}
	} else {
		n += e.HiddenPoints
	}
	return n
}

// Tests returns the public tests, then the hidden ones.
func (e *Exercise) Tests() []Test { return append(append([]Test(nil), e.Public...), e.Hidden...) }

// Catalog lists every exercise of the chapter in book order.
type Catalog struct {
	Exercises []*Exercise `json:"exercises"`
	// Stubs holds the section files of exercises/ as generated, by path
	// ("sec63/mirror_pad.go"; the Go files, tests excepted): what a student
	// starts from. `d2l check` builds with a stub in place of an exercise
	// file that does not compile, as grading builds with the reference, and
	// the similarity check leaves out the code every submission shares.
	Stubs map[string]string `json:"stubs,omitempty"`
	// TestFiles are the public test files of exercises/ ("sec63/sec63_test.go"),
	// which every copy of exercises/ holds, with the SHA-256 of each (hex, line
	// ends as LF): grading ignores an unchanged copy without a note.
	TestFiles map[string]string `json:"test_files,omitempty"`
}

// Sections returns the section packages in order ("sec61", "sec62", …).
func (c *Catalog) Sections() []string {
	var out []string
	seen := map[string]bool{}
	for _, e := range c.Exercises {
		if !seen[e.Section] {
			seen[e.Section] = true
			out = append(out, e.Section)
		}
	}
	return out
}

// Find returns the exercise with the given ID, or nil.
func (c *Catalog) Find(id string) *Exercise {
	for _, e := range c.Exercises {
		if e.ID == id {
			return e
		}
	}
	return nil
}

// CodeFiles returns the exercise file names of a section, mapped to exercises.
func (c *Catalog) CodeFiles(section string) map[string]*Exercise {
	m := map[string]*Exercise{}
	for _, e := range c.Exercises {
		if e.Section == section && e.Kind == KindCode {
			m[e.File] = e
		}
	}
	return m
}

// MaxPoints is the sum of the automatic (code) and manual maxima.
func (c *Catalog) MaxPoints() (auto, manual int) {
	for _, e := range c.Exercises {
		if e.Kind == KindManual {
			manual += e.MaxPoints()
		} else {
			auto += e.MaxPoints()
		}
	}
	return auto, manual
}

// ForStudents returns a copy without answers, rubrics and hidden test names:
// only the count and points of the hidden tests remain.
func (c *Catalog) ForStudents() *Catalog {
	out := &Catalog{Stubs: c.Stubs, TestFiles: c.TestFiles}
	for _, e := range c.Exercises {
		s := *e
		s.Answer, s.Rubric = "", ""
		if len(e.Hidden) > 0 {
			s.HiddenCount, s.HiddenPoints = len(e.Hidden), 0
			for _, t := range e.Hidden {
				s.HiddenPoints += t.Points
			}
			s.Hidden = nil
		}
		out.Exercises = append(out.Exercises, &s)
	}
	return out
}

// ReadCatalogJSON reads a catalog written by WriteJSON.
func ReadCatalogJSON(path string) (*Catalog, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("grader.ReadCatalogJSON: %w", err)
	}
	c := &Catalog{}
	if err := json.Unmarshal(b, c); err != nil {
		return nil, fmt.Errorf("grader.ReadCatalogJSON: %s: %w", path, err)
	}
	return c, nil
}

// JSON returns the catalog as indented JSON.
func (c *Catalog) JSON() []byte {
	b, _ := json.MarshalIndent(c, "", "  ")
	return append(b, '\n')
}

var (
	headingRE   = regexp.MustCompile(`^## (6\.\d-\d+[a-z]?)\s+(.*)$`)
	directiveRE = regexp.MustCompile(`^<!-- d2l:exercise (.*) -->$`)
	testDirRE   = regexp.MustCompile(`^//d2l:test (\S+) points=(\d+)(?: timeout=(\S+))?$`)
)

// Markers of the blocks of a section README that never reach students.
const (
	beginAnswer = "<!-- BEGIN ANSWER -->"
	endAnswer   = "<!-- END ANSWER -->"
	beginRubric = "<!-- BEGIN RUBRIC -->"
	endRubric   = "<!-- END RUBRIC -->"
)

// LoadCatalog reads the exercises of every solutions/secNN/README.md, then the
// test directives of solutions/secNN/*_test.go (public) and hiddenDir/secNN/*_test.go
// (hidden; hiddenDir may be "").
func LoadCatalog(solutionsDir, hiddenDir string) (*Catalog, error) {
	dirs, err := filepath.Glob(filepath.Join(solutionsDir, "sec6*"))
	if err != nil || len(dirs) == 0 {
		return nil, fmt.Errorf("grader.LoadCatalog: argument solutionsDir: got %q, want a folder with sec6* packages", solutionsDir)
	}
	sort.Strings(dirs)
	c := &Catalog{}
	for _, d := range dirs {
		section := filepath.Base(d)
		exs, err := parseReadme(filepath.Join(d, "README.md"), section)
		if err != nil {
			return nil, err
		}
		c.Exercises = append(c.Exercises, exs...)
		if err := c.addTests(d, section, false); err != nil {
			return nil, err
		}
		if hiddenDir != "" {
			if err := c.addTests(filepath.Join(hiddenDir, section), section, true); err != nil {
				return nil, err
			}
		}
	}
	for _, e := range c.Exercises {
		if e.Kind == KindCode && len(e.Public) == 0 {
			return nil, fmt.Errorf("grader.LoadCatalog: exercise %s: got no public test, want at least one", e.ID)
		}
	}
	if err := c.addStubs(solutionsDir); err != nil {
		return nil, err
	}
	return c, nil
}

// contentHash is the SHA-256 (hex) of a text file with its line ends as LF.
func contentHash(b []byte) string {
	h := sha256.Sum256(bytes.ReplaceAll(b, []byte("\r\n"), []byte("\n")))
	return hex.EncodeToString(h[:])
}

// addStubs fills Stubs and TestFiles from the reference solutions: every Go
// file of each section as gen-exercises writes it into exercises/.
func (c *Catalog) addStubs(solutionsDir string) error {
	c.Stubs, c.TestFiles = map[string]string{}, map[string]string{}
	for _, sec := range c.Sections() {
		byFile := c.CodeFiles(sec)
		paths, _ := filepath.Glob(filepath.Join(solutionsDir, sec, "*.go"))
		sort.Strings(paths)
		for _, p := range paths {
			name := filepath.Base(p)
			b, err := os.ReadFile(p)
			if err != nil {
				return fmt.Errorf("grader.LoadCatalog: %w", err)
			}
			b = RewriteImports(b)
			if strings.HasSuffix(name, "_test.go") {
				c.TestFiles[sec+"/"+name] = contentHash(b)
				continue
			}
			if e := byFile[name]; e != nil {
				if b, err = Stub(b, e.ID); err != nil {
					return fmt.Errorf("grader.LoadCatalog: %s/%s: %w", sec, name, err)
				}
			}
			c.Stubs[sec+"/"+name] = string(b)
		}
	}
	return nil
}

func parseReadme(path, section string) ([]*Exercise, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("grader.LoadCatalog: %w", err)
	}
	defer f.Close()
	var out []*Exercise
	var cur *Exercise
	var question, answer, rubric []string
	block := ""
	flush := func() {
		if cur != nil {
			cur.Question = strings.TrimSpace(strings.Join(question, "\n"))
			cur.Answer = strings.TrimSpace(strings.Join(answer, "\n"))
			cur.Rubric = strings.TrimSpace(strings.Join(rubric, "\n"))
			out = append(out, cur)
		}
		question, answer, rubric = nil, nil, nil
	}
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		line := sc.Text()
		if m := headingRE.FindStringSubmatch(line); m != nil {
			flush()
			cur = &Exercise{ID: m[1], Section: section, Title: strings.TrimSpace(m[2])}
			continue
		}
		if cur == nil {
			continue
		}
		switch strings.TrimSpace(line) {
		case beginAnswer:
			block = "answer"
			continue
		case beginRubric:
			block = "rubric"
			continue
		case endAnswer, endRubric:
			block = ""
			continue
		}
		if m := directiveRE.FindStringSubmatch(strings.TrimSpace(line)); m != nil {
			for _, kv := range strings.Fields(m[1]) {
				k, v, _ := strings.Cut(kv, "=")
				switch k {
				case "kind":
					cur.Kind = Kind(v)
				case "file":
					cur.File = v
				case "points":
					cur.ManualPoints, _ = strconv.Atoi(v)
				case "forbid":
					cur.Forbid = strings.Split(v, ",")
				}
			}
			continue
		}
		switch block {
		case "answer":
			answer = append(answer, line)
		case "rubric":
			rubric = append(rubric, line)
		default:
			question = append(question, line)
		}
	}
	flush()
	for _, e := range out {
		switch {
		case e.Kind == KindCode && e.File == "":
			return nil, fmt.Errorf("grader.LoadCatalog: %s: exercise %s: got kind=code without file=, want the Go file", path, e.ID)
		case e.Kind == KindManual && e.ManualPoints <= 0:
			return nil, fmt.Errorf("grader.LoadCatalog: %s: exercise %s: got kind=manual without points, want points=N", path, e.ID)
		case e.Kind != KindCode && e.Kind != KindManual:
			return nil, fmt.Errorf("grader.LoadCatalog: %s: exercise %s: got kind %q, want code or manual", path, e.ID, e.Kind)
		}
	}
	return out, sc.Err()
}

// addTests reads the //d2l:test directives of the test files in dir.
func (c *Catalog) addTests(dir, section string, hidden bool) error {
	files, _ := filepath.Glob(filepath.Join(dir, "*_test.go"))
	sort.Strings(files)
	fset := token.NewFileSet()
	for _, path := range files {
		f, err := parser.ParseFile(fset, path, nil, parser.ParseComments)
		if err != nil {
			return fmt.Errorf("grader.LoadCatalog: %w", err)
		}
		for _, d := range f.Decls {
			fn, ok := d.(*ast.FuncDecl)
			if !ok || fn.Recv != nil || !strings.HasPrefix(fn.Name.Name, "Test") || fn.Name.Name == "TestMain" {
				continue
			}
			var dir []string
			if fn.Doc != nil {
				for _, cm := range fn.Doc.List {
					if m := testDirRE.FindStringSubmatch(cm.Text); m != nil {
						dir = m
					}
				}
			}
			if dir == nil {
				return fmt.Errorf("grader.LoadCatalog: %s: %s: got no //d2l:test directive, want `//d2l:test <exercise> points=<n>`", path, fn.Name.Name)
			}
			e := c.Find(dir[1])
			if e == nil || e.Section != section || e.Kind != KindCode {
				return fmt.Errorf("grader.LoadCatalog: %s: %s: got exercise %q, want a code exercise of %s", path, fn.Name.Name, dir[1], section)
			}
			p, _ := strconv.Atoi(dir[2])
			t := Test{Name: fn.Name.Name, Points: p, Hidden: hidden, Doc: testDoc(fn)}
			if dir[3] != "" {
				if t.Timeout, err = time.ParseDuration(dir[3]); err != nil {
					return fmt.Errorf("grader.LoadCatalog: %s: %s: %w", path, fn.Name.Name, err)
				}
			}
			if hidden {
				e.Hidden = append(e.Hidden, t)
			} else {
				e.Public = append(e.Public, t)
			}
		}
	}
	return nil
}

// testDoc is the first sentence of a test function's doc comment, without the
// function's name: "TestHidden_MinPool compares with the reference on random
// inputs." gives "compares with the reference on random inputs".
func testDoc(fn *ast.FuncDecl) string {
	if fn.Doc == nil {
		return ""
	}
	text := strings.Join(strings.Fields(fn.Doc.Text()), " ")
	if i := strings.Index(text, ". "); i >= 0 {
		text = text[:i]
	}
	if i := strings.Index(text, " //d2l:"); i >= 0 {
		text = text[:i]
	}
	text = strings.TrimSuffix(strings.TrimPrefix(text, fn.Name.Name+" "), ".")
	return strings.TrimSpace(text)
}
