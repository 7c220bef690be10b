package grader

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"runtime"
	"sort"
	"strings"
	"sync"
	"time"
)

// Options configure a grading (or checking) run.
type Options struct {
	Layout  Layout   // the checkout: its go.mod/go.sum build every workspace
	Catalog *Catalog // the exercises; LoadCatalog for grading, exercises/catalog.json for checks
	// Reference: the solutions stand in for missing, rejected or non-compiling
	// exercise files, and the public tests come from solutions/ (grading).
	// Without it the submission must be a complete exercises module (checks).
	Reference    bool
	Hidden       bool          // also run the hidden tests
	Only         []string      // exercise IDs to run (empty: all)
	TestTimeout  time.Duration // per test process (default 10s)
	BuildTimeout time.Duration // per go command (default 5m)
	Jobs         int           // students graded at once (default GOMAXPROCS)
	TempDir      string        // parent of the workspaces (default os.TempDir())
	KeepWork     bool          // keep the workspaces (debugging)
}

func (o *Options) defaults() {
	if o.TestTimeout == 0 {
		o.TestTimeout = 10 * time.Second
	}
	if o.BuildTimeout == 0 {
		o.BuildTimeout = 5 * time.Minute
	}
	if o.Jobs <= 0 {
		o.Jobs = runtime.GOMAXPROCS(0)
	}
}

// TestResult is the outcome of one test.
type TestResult struct {
	Name   string `json:"name"`
	Hidden bool   `json:"hidden,omitempty"`
	Score  int    `json:"score"`
	Max    int    `json:"max_score"`
	Passed bool   `json:"passed"`
	Output string `json:"output,omitempty"` // got/want, or why it did not run
}

// ExerciseResult is the outcome of one exercise.
type ExerciseResult struct {
	ID     string       `json:"id"`
	Title  string       `json:"title"`
	Kind   Kind         `json:"kind"`
	Score  int          `json:"score"`
	Max    int          `json:"max_score"`
	Note   string       `json:"note,omitempty"` // rejected / missing / compile error / fallback
	Tests  []TestResult `json:"tests,omitempty"`
	Rubric string       `json:"rubric,omitempty"` // manual items
	// HiddenRemaining counts hidden tests not run (checks).
	HiddenRemaining int `json:"hidden_remaining,omitempty"`
}

// StudentResult is the outcome of one submission.
type StudentResult struct {
	Student   string            `json:"student"`
	Exercises []*ExerciseResult `json:"exercises"`
	Notes     []string          `json:"notes,omitempty"`
	Score     int               `json:"score"`     // automatic points
	Max       int               `json:"max_score"` // automatic maximum
	Manual    int               `json:"manual_max"`
	Elapsed   time.Duration     `json:"elapsed_ns"`
}

// exercise state while a submission is built.
type exState struct {
	ex      *Exercise
	res     *ExerciseResult
	skip    bool   // do not run (rejected, missing, compile error)
	bin     string // test binary
	binDir  string // its package folder
	student []byte // the student's file (nil when missing/rejected)
}

// GradeSubmission builds and tests one submission. It never writes into sub.Dir.
func GradeSubmission(ctx context.Context, sub *Submission, opt Options) (*StudentResult, error) {
	opt.defaults()
	start := time.Now()
	ws, err := os.MkdirTemp(opt.TempDir, "d2l-grade-")
	if err != nil {
		return nil, fmt.Errorf("grader.GradeSubmission: %w", err)
	}
	if !opt.KeepWork {
		defer os.RemoveAll(ws)
	}
	res := &StudentResult{Student: sub.Name, Notes: append([]string(nil), sub.Notes...)}
	files, err := baseFiles(opt, sub)
	if err != nil {
		return nil, err
	}
	only := map[string]bool{}
	for _, id := range opt.Only {
		only[id] = true
	}
	states := map[string]*exState{}
	var order []*exState
	var sections []string
	for _, e := range opt.Catalog.Exercises {
		if len(only) > 0 && !only[e.ID] {
			continue
		}
		st := &exState{ex: e, res: &ExerciseResult{ID: e.ID, Title: e.Title, Kind: e.Kind, Max: e.MaxPoints()}}
		order = append(order, st)
		if e.Kind == KindManual {
			st.res.Rubric = e.Rubric
			st.res.Note = "manual item: graded by hand with the rubric"
			continue
		}
		states[e.ID] = st
		if len(sections) == 0 || sections[len(sections)-1] != e.Section {
			sections = append(sections, e.Section)
		}
	}
	// One package per section: reference (or nothing), then the student's files.
	var built []string
	for _, sec := range sections {
		pkg, err := sectionFiles(opt, sub, sec, states, res)
		if err != nil {
			return nil, err
		}
		if allSkipped(states, sec) {
			continue // nothing of this section to run: do not build it
		}
		for name, src := range pkg {
			files[sec+"/"+name] = src
		}
		built = append(built, "./"+sec)
	}
	if err := writeFiles(ws, files); err != nil {
		return nil, err
	}
	binDir := filepath.Join(ws, "bin")
	tags := "-tags=" + HiddenTag
	out := ""
	if len(built) > 0 {
		out, _ = goBuild(ctx, ws, opt.BuildTimeout, append([]string{"test", "-c", tags, "-o", binDir + "/"}, built...)...)
	}
	// Second chance: a section whose compile errors all lie in exercise files
	// of the student is rebuilt once with the reference in place of them.
	retry := map[string][]*exState{}
	var retryPkgs []string
	for _, sec := range sections {
		if !opt.Reference || fileExists(filepath.Join(binDir, sec+".test")) || allSkipped(states, sec) {
			continue
		}
		suspects := culprits(out, sec, states)
		if len(suspects) == 0 {
			continue
		}
		keep := map[string][]byte{}
		for name, src := range sub.Files[sec] {
			keep[name] = src
		}
		for _, st := range suspects {
			delete(keep, st.ex.File)
		}
		pkg, err := sectionFiles(opt, &Submission{Files: map[string]map[string][]byte{sec: keep}}, sec, map[string]*exState{}, &StudentResult{})
		if err != nil {
			return nil, err
		}
		r2 := map[string][]byte{}
		for name, src := range pkg {
			r2["r2_"+sec+"/"+name] = src
		}
		if err := writeFiles(ws, r2); err != nil {
			return nil, err
		}
		retry[sec] = suspects
		retryPkgs = append(retryPkgs, "./r2_"+sec)
	}
	if len(retryPkgs) > 0 {
		_, _ = goBuild(ctx, ws, opt.BuildTimeout, append([]string{"test", "-c", tags, "-o", binDir + "/"}, retryPkgs...)...)
		for sec, suspects := range retry {
			bin, dir := filepath.Join(binDir, "r2_"+sec+".test"), filepath.Join(ws, "r2_"+sec)
			if !fileExists(bin) || probe(ctx, bin, dir, opt.TestTimeout) != "" {
				continue // per-exercise builds below
			}
			for _, st := range suspects {
				st.skip = true
				st.res.Note = "compile error:\n" + compileErrors(out, sec+"/"+st.ex.File)
			}
			for _, st := range states {
				if st.ex.Section == sec && !st.skip {
					st.bin, st.binDir = bin, dir
				}
			}
			res.Notes = append(res.Notes, fmt.Sprintf("%s did not compile as a whole; it was graded with the reference in place of the exercises that did not compile", sec))
		}
	}
	var fallbacks []string
	for _, sec := range sections {
		bin := filepath.Join(binDir, sec+".test")
		ok := fileExists(bin)
		why := "did not compile as a whole"
		detail := compileErrors(out, sec)
		if ok {
			if p := probe(ctx, bin, filepath.Join(ws, sec), opt.TestTimeout); p != "" {
				ok, why, detail = false, "fails as soon as its package starts (init or package variables)", p
			}
		}
		if _, done := retry[sec]; done && !ok {
			if anyBuilt(states, sec) {
				continue // graded by the second-chance build
			}
		}
		for _, st := range states {
			if st.ex.Section != sec || st.skip {
				continue
			}
			if ok {
				st.bin, st.binDir = bin, filepath.Join(ws, sec)
				continue
			}
			if !opt.Reference || st.student == nil {
				st.skip = true
				st.res.Note = sec + " " + why + ":\n" + detail
				continue
			}
			// Build this exercise alone, the reference standing in for the rest.
			fb := "fb_" + sec + "_" + safeID(st.ex.ID)
			pkg, err := sectionFiles(opt, &Submission{Files: map[string]map[string][]byte{sec: {st.ex.File: st.student}}}, sec, map[string]*exState{}, &StudentResult{})
			if err != nil {
				return nil, err
			}
			fbFiles := map[string][]byte{}
			for name, src := range pkg {
				fbFiles[fb+"/"+name] = src
			}
			if err := writeFiles(ws, fbFiles); err != nil {
				return nil, err
			}
			st.bin, st.binDir = filepath.Join(binDir, fb+".test"), filepath.Join(ws, fb)
			fallbacks = append(fallbacks, "./"+fb)
		}
		if !ok {
			res.Notes = append(res.Notes, fmt.Sprintf("%s %s; each exercise was built on its own with the reference standing in for the others", sec, why))
		}
	}
	if len(fallbacks) > 0 {
		fout, _ := goBuild(ctx, ws, opt.BuildTimeout, append([]string{"test", "-c", tags, "-o", binDir + "/"}, fallbacks...)...)
		for _, st := range states {
			if st.bin != "" && strings.Contains(st.bin, "/fb_") && !fileExists(st.bin) {
				st.skip = true
				fb := filepath.Base(st.binDir)
				st.res.Note = "compile error:\n" + strings.ReplaceAll(compileErrors(fout, fb), fb+"/", st.ex.Section+"/")
			} else if st.bin != "" && strings.Contains(st.bin, "/fb_") {
				if p := probe(ctx, st.bin, st.binDir, opt.TestTimeout); p != "" {
					st.skip = true
					st.res.Note = "the code fails as soon as its package starts (init or package variables):\n" + p
				}
			}
		}
	}
	// Run every test in its own process.
	for _, st := range order {
		if st.ex.Kind == KindManual {
			res.Exercises = append(res.Exercises, st.res)
			res.Manual += st.res.Max
			continue
		}
		tests := st.ex.Public
		if opt.Hidden {
			tests = st.ex.Tests()
		} else {
			st.res.HiddenRemaining = len(st.ex.Hidden) + st.ex.HiddenCount
		}
		for _, t := range tests {
			tr := TestResult{Name: t.Name, Hidden: t.Hidden, Max: t.Points}
			if st.skip {
				tr.Output = "not run: " + firstLine(st.res.Note)
			} else {
				o := runTest(ctx, st.bin, st.binDir, t.Name, max(opt.TestTimeout, t.Timeout))
				tr.Passed = o.Passed
				tr.Output = o.Output
				if o.Reason != "" && o.Reason != "test failed" {
					tr.Output = strings.TrimSpace(o.Reason + "\n" + o.Output)
				}
			}
			if tr.Passed {
				tr.Score = t.Points
			}
			st.res.Score += tr.Score
			st.res.Tests = append(st.res.Tests, tr)
		}
		if !opt.Hidden {
			st.res.Max = 0
			for _, t := range tests {
				st.res.Max += t.Points
			}
		}
		res.Score += st.res.Score
		res.Max += st.res.Max
		res.Exercises = append(res.Exercises, st.res)
	}
	res.Elapsed = time.Since(start)
	return res, nil
}

// probe starts a test binary without running any test: "" when it starts and
// reports normally, else why not (a panic or os.Exit in init, an endless
// package variable initialiser).
func probe(ctx context.Context, bin, dir string, timeout time.Duration) string {
	o := runTest(ctx, bin, dir, "", timeout)
	if o.Passed {
		return ""
	}
	return strings.TrimSpace(o.Reason + "\n" + truncate(o.Output, 1500))
}

// baseFiles are the workspace files shared by all sections: go.mod, go.sum and
// the helper packages (from the reference when grading, else the student's module).
func baseFiles(opt Options, sub *Submission) (map[string][]byte, error) {
	root, err := filepath.Abs(opt.Layout.Root)
	if err != nil {
		return nil, err
	}
	sum, err := os.ReadFile(filepath.Join(root, "go.sum"))
	if err != nil {
		return nil, fmt.Errorf("grader: %w", err)
	}
	rootMod, err := os.ReadFile(filepath.Join(root, "go.mod"))
	if err != nil {
		return nil, fmt.Errorf("grader: %w", err)
	}
	gomod := strings.Replace(string(exercisesGoMod(rootMod)), "=> ../", "=> "+root, 1)
	files := map[string][]byte{"go.mod": []byte(gomod), "go.sum": sum}
	src := opt.Layout.Solutions
	if !opt.Reference {
		src = sub.Dir
	}
	for _, dir := range []string{"grid", "testutil"} {
		if err := copyGoDir(filepath.Join(src, dir), dir, files); err != nil {
			return nil, err
		}
	}
	return files, nil
}

// sectionFiles returns the files of one section package: the reference (when
// grading), the student's accepted files over it, the tests and the harness.
// It records in states which exercises are rejected or missing.
func sectionFiles(opt Options, sub *Submission, sec string, states map[string]*exState, res *StudentResult) (map[string][]byte, error) {
	pkg := map[string][]byte{}
	byFile := opt.Catalog.CodeFiles(sec)
	testDirs := []string{}
	if opt.Reference {
		paths, _ := filepath.Glob(filepath.Join(opt.Layout.Solutions, sec, "*.go"))
		for _, p := range paths {
			b, err := os.ReadFile(p)
			if err != nil {
				return nil, err
			}
			if !strings.HasSuffix(p, "_test.go") {
				pkg[filepath.Base(p)] = RewriteImports(b)
			}
		}
		testDirs = append(testDirs, filepath.Join(opt.Layout.Solutions, sec))
	} else {
		testDirs = append(testDirs, filepath.Join(sub.Dir, sec))
	}
	if opt.Hidden {
		testDirs = append(testDirs, filepath.Join(opt.Layout.Hidden, sec))
	}
	for i, d := range testDirs {
		paths, _ := filepath.Glob(filepath.Join(d, "*_test.go"))
		for _, p := range paths {
			b, err := os.ReadFile(p)
			if err != nil {
				return nil, err
			}
			if i == 0 { // public tests; hidden tests import the reference from solutions/ on purpose
				b = RewriteImports(b)
			}
			pkg[filepath.Base(p)] = b
		}
	}
	pkg[harnessFile] = harnessSource(sec)
	names := make([]string, 0, len(sub.Files[sec]))
	for name := range sub.Files[sec] {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		src := sub.Files[sec][name]
		st := states[idOf(byFile[name])]
		if why := CheckSource(name, src); why != "" {
			if st != nil {
				st.skip = true
				st.res.Note = "rejected: " + why
			} else {
				res.Notes = append(res.Notes, fmt.Sprintf("%s/%s ignored: %s", sec, name, why))
			}
			continue
		}
		src = RewriteImports(src)
		if st != nil {
			st.student = src
		}
		pkg[name] = src
	}
	for file, e := range byFile {
		if st := states[e.ID]; st != nil && st.student == nil && !st.skip {
			st.skip = true
			st.res.Note = fmt.Sprintf("missing: no %s/%s in the submission", sec, file)
		}
	}
	return pkg, nil
}

// anyBuilt reports whether some exercise of sec already has a test binary.
func anyBuilt(states map[string]*exState, sec string) bool {
	for _, st := range states {
		if st.ex.Section == sec && st.bin != "" {
			return true
		}
	}
	return false
}

var compileErrRE = regexp.MustCompile(`(?m)^(?:\./)?(sec6\d)/([^/:\s]+\.go):\d+`)

// culprits returns the student's exercises of sec whose files the compiler
// complained about, or nil when some complaint is about another file (a test,
// a given file, an extra file), which needs per-exercise builds to untangle.
func culprits(out, sec string, states map[string]*exState) []*exState {
	byFile := map[string]*exState{}
	for _, st := range states {
		if st.ex.Section == sec && st.student != nil && !st.skip {
			byFile[st.ex.File] = st
		}
	}
	var sus []*exState
	seen := map[string]bool{}
	for _, m := range compileErrRE.FindAllStringSubmatch(out, -1) {
		if m[1] != sec || seen[m[2]] {
			continue
		}
		seen[m[2]] = true
		st := byFile[m[2]]
		if st == nil {
			return nil
		}
		sus = append(sus, st)
	}
	return sus
}

// allSkipped reports whether no exercise of sec is left to run.
func allSkipped(states map[string]*exState, sec string) bool {
	for _, st := range states {
		if st.ex.Section == sec && !st.skip {
			return false
		}
	}
	return true
}

func idOf(e *Exercise) string {
	if e == nil {
		return ""
	}
	return e.ID
}

var unsafeRE = regexp.MustCompile(`[^a-zA-Z0-9]`)

func safeID(id string) string { return unsafeRE.ReplaceAllString(id, "_") }

func fileExists(p string) bool { _, err := os.Stat(p); return err == nil }

func firstLine(s string) string { l, _, _ := strings.Cut(s, "\n"); return l }

// compileErrors extracts the compiler messages about one package folder.
func compileErrors(out, dir string) string {
	var keep []string
	for _, line := range strings.Split(out, "\n") {
		if strings.HasPrefix(line, "# ") {
			continue
		}
		if strings.Contains(line, dir+"/") || strings.HasPrefix(line, dir) {
			keep = append(keep, strings.TrimPrefix(line, "./"))
		}
	}
	if len(keep) == 0 {
		return strings.TrimSpace(out)
	}
	if len(keep) > 30 {
		keep = append(keep[:30], "…")
	}
	return strings.Join(keep, "\n")
}

func writeFiles(base string, files map[string][]byte) error {
	for rel, b := range files {
		p := filepath.Join(base, filepath.FromSlash(rel))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			return err
		}
		if err := os.WriteFile(p, b, 0o644); err != nil {
			return err
		}
	}
	return nil
}

// GradeAll grades every sub-folder of dir as one student, opt.Jobs at a time,
// and returns the results in folder order.
func GradeAll(ctx context.Context, dir string, opt Options) ([]*StudentResult, error) {
	opt.defaults()
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, fmt.Errorf("grader.GradeAll: %w", err)
	}
	var subs []string
	for _, e := range entries {
		if e.IsDir() && !strings.HasPrefix(e.Name(), ".") {
			subs = append(subs, filepath.Join(dir, e.Name()))
		}
	}
	results := make([]*StudentResult, len(subs))
	errs := make([]error, len(subs))
	sem := make(chan struct{}, opt.Jobs)
	var wg sync.WaitGroup
	for i, p := range subs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			sem <- struct{}{}
			defer func() { <-sem }()
			sub, err := LoadSubmission(p, opt.Catalog)
			if err == nil {
				results[i], err = GradeSubmission(ctx, sub, opt)
			}
			errs[i] = err
		}()
	}
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			return nil, fmt.Errorf("grader.GradeAll: student %s: %w", filepath.Base(subs[i]), err)
		}
	}
	return results, nil
}
