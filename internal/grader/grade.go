package grader

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"runtime"
	"slices"
	"sort"
	"strconv"
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
	// NoSandbox runs the test processes without bubblewrap: for d2l check (a
	// student's own code on their own machine) and -unsafe-no-sandbox. Grading
	// without it adds a note to every report.
	NoSandbox bool
	// Sandbox chooses the sandbox: SandboxBwrap (bubblewrap, also ""),
	// SandboxJail (the chroot jail of containers without namespaces; root
	// only) or SandboxAuto (bubblewrap when it works here, else the jail).
	Sandbox string
	Limits  Limits // per test process (default DefaultLimits)
	// BuildLimits bound each process of a submission's build (default DefaultBuildLimits).
	BuildLimits Limits
	// CacheDir keeps the prepared snapshots and the trusted build cache between
	// runs (default DefaultCacheDir()).
	CacheDir string
	// Shard, when its N > 1, grades only the students of that shard (GradeAll).
	Shard Shard
	// Students, when not empty, names the only student folders GradeAll grades.
	Students []string
	bwrap    string    // the bwrap found by prepare
	jail     *Jail     // or the jail it chose
	users    *userPool // the sandbox users (root grader)
	prep     *prepared // the prepared snapshot and builds (grading)
	liveRoot string    // the checkout, before the snapshot replaced Layout
	prepared bool      // sandbox checked, snapshot prepared
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
	if o.Limits == (Limits{}) {
		o.Limits = DefaultLimits
	}
	if o.BuildLimits == (Limits{}) {
		o.BuildLimits = DefaultBuildLimits
	}
	if o.CacheDir == "" {
		o.CacheDir = DefaultCacheDir()
	}
}

// prepare finds the sandbox (unless NoSandbox) and, when grading against the
// reference, the prepared snapshot every build of the run uses (see
// prepareBuilds). The returned function releases what it holds.
func (o *Options) prepare(ctx context.Context) (func(), error) {
	o.defaults()
	if o.prepared {
		return func() {}, nil
	}
	if !o.NoSandbox {
		if err := o.findSandbox(); err != nil {
			return nil, err
		}
	}
	o.liveRoot = o.Layout.Root
	if err := ensureModules(ctx, o.Layout); err != nil {
		return nil, err
	}
	if o.Reference {
		p, err := prepareBuilds(ctx, o.Layout, o.Catalog, o.CacheDir, o.BuildTimeout)
		if err != nil {
			return nil, err
		}
		o.prep = p
		snap := NewLayout(p.src)
		snap.Exercises, snap.Notebooks = o.Layout.Exercises, o.Layout.Notebooks
		o.Layout = snap
	}
	o.prepared = true
	return func() {}, nil
}

// CheckSandbox finds the sandbox a grading run with Options.Sandbox = kind
// would use and says which, in a few words ("bubblewrap", or "the jail" with
// why bubblewrap was not used), or returns the error of one line that
// grading would return.
func CheckSandbox(kind string) (string, error) {
	o := Options{Sandbox: kind}
	if err := o.findSandbox(); err != nil {
		return "", err
	}
	if o.jail == nil {
		return "bubblewrap (" + o.bwrap + ")", nil
	}
	if kind == SandboxAuto {
		_, err := FindSandbox()
		if err == nil {
			err = checkReachable(os.TempDir())
		}
		return "the jail (chroot, a user of its own; bubblewrap cannot be used: " + strings.TrimPrefix(fmt.Sprint(err), ErrNoSandbox.Error()+": ") + ")", nil
	}
	return "the jail (chroot, a user of its own)", nil
}

// findSandbox sets bwrap or jail as Sandbox asks.
func (o *Options) findSandbox() error {
	bwrap := func() error {
		p, err := FindSandbox()
		if err != nil {
			return err
		}
		tmp := o.TempDir
		if tmp == "" {
			tmp = os.TempDir()
		}
		if err := checkReachable(tmp); err != nil {
			return err
		}
		o.bwrap = p
		return nil
	}
	var err error
	switch o.Sandbox {
	case "", SandboxBwrap:
		err = bwrap()
	case SandboxJail:
		o.jail, err = FindJail()
	case SandboxAuto:
		berr := bwrap()
		if berr == nil {
			break
		}
		if o.jail, err = FindJail(); err != nil {
			err = fmt.Errorf("%w; and %v", berr, strings.TrimPrefix(err.Error(), ErrNoSandbox.Error()+": "))
		}
	default:
		return fmt.Errorf("%w: unknown sandbox %q (bwrap, jail or auto)", ErrNoSandbox, o.Sandbox)
	}
	if err != nil {
		return err
	}
	if os.Geteuid() == 0 {
		o.users, err = sandboxUsers()
	}
	return err
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
	Answer string       `json:"answer,omitempty"` // manual items: what the student wrote
	// HiddenRemaining counts hidden tests not run (checks).
	HiddenRemaining int `json:"hidden_remaining,omitempty"`
}

// StudentResult is the outcome of one submission.
type StudentResult struct {
	Student   string            `json:"student"`
	Exercises []*ExerciseResult `json:"exercises"`
	// Notes are about the submission as a whole (files ignored, no sandbox);
	// SectionNotes about how one section was built (by section, "sec63").
	Notes        []string            `json:"notes,omitempty"`
	SectionNotes map[string][]string `json:"section_notes,omitempty"`
	Score        int                 `json:"score"`     // automatic points
	Max          int                 `json:"max_score"` // automatic maximum
	Manual       int                 `json:"manual_max"`
	Elapsed      time.Duration       `json:"elapsed_ns"`
	// NotGraded says why the folder was not graded (a symbolic link, …).
	NotGraded string `json:"not_graded,omitempty"`
	// Submitted is when the submission was handed in, as its files tell: the
	// newest modification time of the files read (zero when none).
	Submitted time.Time `json:"submitted,omitzero"`
}

// AllNotes returns the notes on the submission, then those on each section in
// section order.
func (r *StudentResult) AllNotes() []string {
	out := append([]string(nil), r.Notes...)
	secs := make([]string, 0, len(r.SectionNotes))
	for s := range r.SectionNotes {
		secs = append(secs, s)
	}
	sort.Strings(secs)
	for _, s := range secs {
		out = append(out, r.SectionNotes[s]...)
	}
	return out
}

// sectionNote adds a note on how section sec was built.
func (r *StudentResult) sectionNote(sec, format string, args ...any) {
	if r.SectionNotes == nil {
		r.SectionNotes = map[string][]string{}
	}
	r.SectionNotes[sec] = append(r.SectionNotes[sec], fmt.Sprintf(format, args...))
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

// canStandIn reports whether something can stand in for an exercise file of
// the student: the reference when grading, the stubs of the catalog in checks.
func (g *grading) canStandIn() bool { return g.opt.Reference || len(g.opt.Catalog.Stubs) > 0 }

// standInName names what stands in for a student's exercise file that could
// not be used: the reference when grading, the untouched stub in checks.
func (g *grading) standInName() string {
	if g.opt.Reference {
		return "the reference"
	}
	return "the untouched stub"
}

// pkgDir is the workspace folder of the package the exercise's tests run in.
func (st *exState) pkgDir() string { return filepath.Base(st.binDir) }

// GradeSubmission builds and tests one submission. It never writes into sub.Dir.
func GradeSubmission(ctx context.Context, sub *Submission, opt Options) (*StudentResult, error) {
	done, err := opt.prepare(ctx)
	if err != nil {
		return nil, fmt.Errorf("grader.GradeSubmission: %w", err)
	}
	defer done()
	start := time.Now()
	uid := noUser
	if opt.users != nil {
		u, release, err := opt.users.acquire(ctx)
		if err != nil {
			return nil, fmt.Errorf("grader.GradeSubmission: %w", err)
		}
		defer release()
		uid = u
	}
	ws, err := os.MkdirTemp(opt.TempDir, "d2l-grade-")
	if err != nil {
		return nil, fmt.Errorf("grader.GradeSubmission: %w", err)
	}
	if !opt.KeepWork {
		defer removeTree(ws)
	}
	g := &grading{ctx: ctx, opt: opt, sub: sub, ws: ws, binDir: filepath.Join(ws, "bin"), states: map[string]*exState{},
		res: &StudentResult{Student: sub.Name, Notes: append([]string(nil), sub.Notes...), Submitted: sub.Modified}, uid: uid,
		vetted: map[string]*vetResult{}}
	if err := g.setup(); err != nil {
		return nil, fmt.Errorf("grader.GradeSubmission: %w", err)
	}
	g.run = runner{bwrap: opt.bwrap, jail: opt.jail, uid: uid, limits: opt.Limits, clean: pathCleaner(ws, opt.Layout.Root, opt.liveRoot, sub.Dir, g.cache, ExercisesModule)}
	if opt.NoSandbox && opt.Hidden {
		g.res.Notes = append(g.res.Notes, "graded WITHOUT a sandbox (-unsafe-no-sandbox): this submission's code ran unconfined and could have changed any result")
	}
	g.plan()
	out, err := g.buildSections()
	if err != nil {
		return nil, err
	}
	retried, err := g.secondChance(out)
	if err != nil {
		return nil, err
	}
	if err := g.perExercise(out, retried); err != nil {
		return nil, err
	}
	g.enforceRules()
	g.runTests()
	g.scrub()
	g.res.Elapsed = time.Since(start)
	return g.res, nil
}

// grading is the state of one submission being graded.
type grading struct {
	ctx      context.Context
	opt      Options
	sub      *Submission
	ws       string // temporary module
	binDir   string // compiled test binaries
	res      *StudentResult
	states   map[string]*exState   // code exercises by ID
	order    []*exState            // all exercises in catalog order
	sections []string              // sections with code exercises to grade
	run      runner                // runs the test binaries
	uid      int                   // the submission's sandbox user, or noUser
	cache    string                // its build cache (grading)
	vettool  string                // the rules check
	vetted   map[string]*vetResult // the rules check's results, by package folder
	batch    int                   // go vet runs so far
}

// setup makes the workspace's folders: bin/, tmp/ and cache/ (the
// submission's own build cache), owned by its sandbox user, and, for
// grading, the vendored dependencies (a link to the prepared ones).
func (g *grading) setup() error {
	for _, d := range []string{g.binDir, filepath.Join(g.ws, "tmp"), filepath.Join(g.ws, "cache")} {
		if err := os.MkdirAll(d, 0o700); err != nil {
			return err
		}
		if err := chownTo(d, g.uid); err != nil {
			return err
		}
	}
	if err := os.Chmod(g.ws, 0o711); err != nil {
		return err
	}
	p := g.opt.prep
	if p == nil {
		return nil // checks: the rules check is built when a rule is checked (vetRules)
	}
	g.vettool, g.cache = p.vettool, filepath.Join(g.ws, "cache")
	return os.Symlink(filepath.Join(p.ref, "vendor"), filepath.Join(g.ws, "vendor"))
}

// goRun runs one go command in the workspace: sandboxed as the submission's
// user under the build limits when grading, as the caller for checks.
func (g *grading) goRun(env []string, args ...string) (stdout, stderr string) {
	if g.opt.prep == nil {
		stdout, stderr, err := goBuild(g.ctx, g.ws, g.opt.BuildTimeout, env, args...)
		if err != nil && !strings.Contains(stderr, err.Error()) {
			stderr = strings.TrimSpace(stderr + "\n" + err.Error())
		}
		return stdout, stderr
	}
	c := goCommand{prep: g.opt.prep, ws: g.ws, cache: g.cache, uid: g.uid, bwrap: g.opt.bwrap, jail: g.opt.jail != nil,
		limits: g.opt.BuildLimits, timeout: g.opt.BuildTimeout, env: env}
	if g.opt.NoSandbox {
		c.bwrap, c.jail, c.uid = "", false, noUser
	}
	stdout, stderr, err := c.run(g.ctx, args...)
	if err != nil && !strings.Contains(stderr, err.Error()) {
		stderr = strings.TrimSpace(stderr + "\n" + err.Error())
	}
	// The test binaries become the grader's: the tests' user may run them, not change them.
	if g.uid != noUser {
		bins, _ := os.ReadDir(g.binDir)
		for _, b := range bins {
			p := filepath.Join(g.binDir, b.Name())
			if b.Type().IsRegular() {
				_ = os.Lchown(p, 0, 0)
				_ = os.Chmod(p, 0o755)
			}
		}
	}
	return stdout, stderr
}

// scrub removes workspace, snapshot and checkout paths and hidden test file
// names (with their line numbers) from everything the student will read, and
// names the notebook cell of every line of a file built from a notebook.
func (g *grading) scrub() {
	clean := func(s string) string { return g.cellRefs(g.run.clean(s)) }
	for i, n := range g.res.Notes {
		g.res.Notes[i] = clean(n)
	}
	for _, notes := range g.res.SectionNotes {
		for i, n := range notes {
			notes[i] = clean(n)
		}
	}
	for _, e := range g.res.Exercises {
		e.Note = clean(e.Note)
		for i := range e.Tests {
			e.Tests[i].Output = clean(e.Tests[i].Output)
		}
	}
}

// goLineRE finds a place in a Go file in compiler and test output:
// "sec63/mirror_pad.go:7:3" or "mirror_pad.go:7".
var goLineRE = regexp.MustCompile(`\b(?:(sec6\d)/)?([A-Za-z0-9_]+\.go):(\d+)(?::\d+)?`)

// cellRefs rewrites each place in a file the student wrote as notebook cells
// ("sec63/mirror_pad.go:7:3") as the notebook's cell and line
// ("6.3-exercises.ipynb, cell 9 (6.3-4), line 3"): the student never saw the file.
func (g *grading) cellRefs(s string) string {
	if len(g.sub.CellLines) == 0 {
		return s
	}
	byName := map[string][]string{} // file name -> keys
	for k := range g.sub.CellLines {
		byName[path.Base(k)] = append(byName[path.Base(k)], k)
	}
	return goLineRE.ReplaceAllStringFunc(s, func(m string) string {
		sm := goLineRE.FindStringSubmatch(m)
		key := sm[1] + "/" + sm[2]
		if sm[1] == "" {
			if len(byName[sm[2]]) != 1 {
				return m
			}
			key = byName[sm[2]][0]
		}
		lines, ok := g.sub.CellLines[key]
		if !ok {
			return m
		}
		nb := path.Base(g.sub.Origins[key])
		n, _ := strconv.Atoi(sm[3])
		if n < 1 || n > len(lines) || lines[n-1].Cell == 0 {
			return nb + " (" + sm[2] + ", built from its cells)"
		}
		cl := lines[n-1]
		ex := ""
		if cl.Exercise != "" {
			ex = " (" + cl.Exercise + ")"
		}
		return fmt.Sprintf("%s, cell %d%s, line %d", nb, cl.Cell, ex, cl.Line)
	})
}

// plan lists the exercises to grade.
func (g *grading) plan() {
	only := map[string]bool{}
	for _, id := range g.opt.Only {
		only[id] = true
	}
	for _, e := range g.opt.Catalog.Exercises {
		if len(only) > 0 && !only[e.ID] {
			continue
		}
		st := &exState{ex: e, res: &ExerciseResult{ID: e.ID, Title: e.Title, Kind: e.Kind, Max: e.MaxPoints()}}
		g.order = append(g.order, st)
		if e.Kind == KindManual {
			st.res.Rubric = e.Rubric
			st.res.Answer = g.sub.Answers[e.ID]
			st.res.Note = "manual item: graded by hand with the rubric"
			continue
		}
		g.states[e.ID] = st
		if len(g.sections) == 0 || g.sections[len(g.sections)-1] != e.Section {
			g.sections = append(g.sections, e.Section)
		}
	}
}

// build checks the rules of the given package folders of the workspace
// (vetRules), then compiles their test binaries in one go command and returns
// the compiler's output.
func (g *grading) build(pkgs []string) string {
	if len(pkgs) == 0 {
		return ""
	}
	g.vetRules(pkgs)
	_, out := g.goRun(nil, append([]string{"test", "-c", "-trimpath", "-vet=off", "-tags=" + HiddenTag, "-o", g.binDir + "/"}, pkgs...)...)
	return out
}

// writePackage writes one section package (reference, then the given student
// files, tests and harness) into the workspace folder dir.
func (g *grading) writePackage(dir, sec string, files map[string][]byte) error {
	pkg, err := sectionFiles(g.opt, &Submission{Dir: g.sub.Dir, Files: map[string]map[string][]byte{sec: files}}, sec, map[string]*exState{}, &StudentResult{})
	if err != nil {
		return err
	}
	out := map[string][]byte{}
	for name, src := range pkg {
		if strings.HasSuffix(name, "_test.go") {
			// The tests import the section's package by its path: here, this copy of it.
			src = bytes.ReplaceAll(src, []byte(`"`+exercisesPrefix+sec+`"`), []byte(sec+` "`+exercisesPrefix+dir+`"`))
		}
		out[dir+"/"+name] = src
	}
	return writeFiles(g.ws, out)
}

// buildSections writes every section package with the student's files and
// compiles them together: one test binary per section.
func (g *grading) buildSections() (string, error) {
	files, err := baseFiles(g.opt, g.sub)
	if err != nil {
		return "", err
	}
	var built []string
	for _, sec := range g.sections {
		pkg, err := sectionFiles(g.opt, g.sub, sec, g.states, g.res)
		if err != nil {
			return "", err
		}
		if allSkipped(g.states, sec) {
			continue // nothing of this section to run: do not build it
		}
		for name, src := range pkg {
			files[sec+"/"+name] = src
		}
		built = append(built, "./"+sec)
	}
	if err := writeFiles(g.ws, files); err != nil {
		return "", err
	}
	return g.build(built), nil
}

// secondChance rebuilds, once, each section whose compile errors all lie in
// exercise files of the student, with the reference (checks: the untouched
// stub) in place of those files. It returns the sections it graded that way.
func (g *grading) secondChance(out string) (map[string]bool, error) {
	retry := map[string][]*exState{}
	var pkgs []string
	for _, sec := range g.sections {
		if !g.canStandIn() || fileExists(filepath.Join(g.binDir, sec+".test")) || allSkipped(g.states, sec) {
			continue
		}
		suspects := culprits(out, sec, g.states)
		if len(suspects) == 0 {
			continue
		}
		keep := map[string][]byte{}
		for name, src := range g.sub.Files[sec] {
			keep[name] = src
		}
		for _, st := range suspects {
			delete(keep, st.ex.File)
		}
		if err := g.writePackage("r2_"+sec, sec, keep); err != nil {
			return nil, err
		}
		retry[sec] = suspects
		pkgs = append(pkgs, "./r2_"+sec)
	}
	g.build(pkgs)
	done := map[string]bool{}
	for sec, suspects := range retry {
		bin, dir := filepath.Join(g.binDir, "r2_"+sec+".test"), filepath.Join(g.ws, "r2_"+sec)
		if !fileExists(bin) || g.probe(bin) != "" {
			continue // per-exercise builds
		}
		for _, st := range suspects {
			st.skip = true
			st.res.Note = "compile error:\n" + compileErrors(out, sec+"/"+st.ex.File)
		}
		for _, st := range g.states {
			if st.ex.Section == sec && !st.skip {
				st.bin, st.binDir = bin, dir
			}
		}
		done[sec] = true
		if g.opt.Reference {
			g.res.sectionNote(sec, "%s did not compile as a whole; it was graded with the reference in place of the exercises that did not compile", sec)
		} else {
			g.res.sectionNote(sec, "%s did not compile as a whole; the exercises that did not compile were replaced by their untouched stubs and the rest was checked (grading does the same with the reference: only those exercises lose their points)", sec)
		}
	}
	return done, nil
}

// perExercise gives each exercise its test binary: the section's when it
// compiled and starts; else one built from the student's exercise file with
// the reference (checks: the untouched stubs) for everything else.
func (g *grading) perExercise(out string, retried map[string]bool) error {
	var fallbacks []string
	for _, sec := range g.sections {
		if retried[sec] || allSkipped(g.states, sec) {
			continue
		}
		bin := filepath.Join(g.binDir, sec+".test")
		ok := fileExists(bin)
		why, detail := "did not compile as a whole", g.buildFailure(out, sec)
		if note := limitNote(packageBlocks(out)[sec], g.opt.BuildLimits, g.opt.BuildTimeout); note != "" {
			why = "did not build: " + note
		}
		if ok {
			if p := g.probe(bin); p != "" {
				ok, why, detail = false, "fails as soon as its package starts (init or package variables)", p
			}
		}
		for _, st := range g.states {
			switch {
			case st.ex.Section != sec || st.skip:
			case ok:
				st.bin, st.binDir = bin, filepath.Join(g.ws, sec)
			case !g.canStandIn() || st.student == nil:
				st.skip = true
				st.res.Note = sec + " " + why + ":\n" + detail
			default:
				fb := "fb_" + sec + "_" + safeID(st.ex.ID)
				if err := g.writePackage(fb, sec, map[string][]byte{st.ex.File: st.student}); err != nil {
					return err
				}
				st.bin, st.binDir = filepath.Join(g.binDir, fb+".test"), filepath.Join(g.ws, fb)
				fallbacks = append(fallbacks, "./"+fb)
			}
		}
		if !ok && g.canStandIn() {
			g.res.sectionNote(sec, "%s %s; each exercise was built on its own with %s standing in for the others", sec, why, g.standInName())
		}
	}
	fout := g.build(fallbacks)
	for _, st := range g.states {
		if st.bin == "" || !strings.Contains(st.bin, "/fb_") {
			continue
		}
		fb := filepath.Base(st.binDir)
		if !fileExists(st.bin) {
			st.skip = true
			st.res.Note = "compile error:\n" + strings.ReplaceAll(g.buildFailure(fout, fb), fb+"/", st.ex.Section+"/")
		} else if p := g.probe(st.bin); p != "" {
			st.skip = true
			st.res.Note = "the code fails as soon as its package starts (init or package variables):\n" + p
		}
	}
	return nil
}

// runTests runs every test of every exercise in its own process and adds up
// the points.
func (g *grading) runTests() {
	for _, st := range g.order {
		if st.ex.Kind == KindManual {
			g.res.Exercises = append(g.res.Exercises, st.res)
			g.res.Manual += st.res.Max
			continue
		}
		tests := st.ex.Public
		if g.opt.Hidden {
			tests = st.ex.Tests()
		} else {
			st.res.HiddenRemaining = len(st.ex.Hidden) + st.ex.HiddenCount
			st.res.Max = 0
			for _, t := range tests {
				st.res.Max += t.Points
			}
		}
		for _, t := range tests {
			tr := TestResult{Name: t.Name, Hidden: t.Hidden, Max: t.Points}
			if st.skip {
				tr.Output = "not run: " + firstLine(st.res.Note)
			} else {
				o := g.run.runTest(g.ctx, st.bin, t.Name, max(g.opt.TestTimeout, t.Timeout))
				tr.Passed, tr.Output = o.Passed, verdictOutput(t, o)
			}
			if tr.Passed {
				tr.Score = t.Points
			}
			st.res.Score += tr.Score
			st.res.Tests = append(st.res.Tests, tr)
		}
		g.res.Score += st.res.Score
		g.res.Max += st.res.Max
		g.res.Exercises = append(g.res.Exercises, st.res)
	}
}

// probe starts a test binary without running any test: "" when it starts and
// reports normally, else why not (a panic or os.Exit in init, an endless
// package variable initialiser).
func (g *grading) probe(bin string) string {
	o := g.run.runTest(g.ctx, bin, "", g.opt.TestTimeout)
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
// grading; the untouched stubs in checks), the student's accepted files over it,
// the tests and the harness. It records in states which exercises are rejected or missing.
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
		// Checks: the untouched stubs stand in where grading has the reference.
		for p, src := range opt.Catalog.Stubs {
			if name, ok := strings.CutPrefix(p, sec+"/"); ok {
				pkg[name] = []byte(src)
			}
		}
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
	allowed := sectionImports(opt.Layout, sec)
	names := make([]string, 0, len(sub.Files[sec]))
	for name := range sub.Files[sec] {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		src := sub.Files[sec][name]
		st := states[idOf(byFile[name])]
		if why := CheckSource(name, src, allowed); why != "" {
			if st != nil {
				st.skip = true
				st.res.Note = "rejected: " + why
			} else {
				res.sectionNote(sec, "%s/%s ignored: %s", sec, name, why)
			}
			continue
		}
		if why := checkPackageClause(name, src, sec); why != "" {
			if st != nil {
				st.skip = true
				st.res.Note = "rejected: " + why
			} else {
				res.sectionNote(sec, "%s/%s ignored: %s", sec, name, why)
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

// buildFailure says why the package folder dir did not build: the build limit
// it reached, or the compiler's messages about it.
func (g *grading) buildFailure(out, dir string) string {
	if note := limitNote(packageBlocks(out)[dir], g.opt.BuildLimits, g.opt.BuildTimeout); note != "" {
		return note
	}
	return compileErrors(out, dir)
}

// compileErrors extracts the compiler messages about one package folder.
func compileErrors(out, dir string) string {
	var keep []string
	for _, line := range strings.Split(out, "\n") {
		if strings.HasPrefix(line, "# ") {
			continue
		}
		if strings.Contains(line, dir+"/") || strings.HasPrefix(line, dir) {
			if hiddenFileRE.MatchString(line) {
				line = hiddenCompileNote // the message would quote the hidden test's source
				if slices.Contains(keep, line) {
					continue
				}
			}
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

// ErrInterrupted is returned by GradeAll when its context ends before every
// student is graded; the results of the students finished so far come with it.
var ErrInterrupted = errors.New("grading interrupted")

// GradeAll grades every sub-folder of dir as one student, opt.Jobs at a time,
// and returns the results in folder order. Every entry that could be a
// student's folder gets a result: a symbolic link or a special file gets one
// with NotGraded saying why, and so does a student whose grading failed. When
// ctx ends (SIGINT, SIGTERM) it stops the sandboxes and returns the students
// finished so far with ErrInterrupted.
func GradeAll(ctx context.Context, dir string, opt Options) ([]*StudentResult, error) {
	done, err := opt.prepare(ctx)
	if err != nil {
		return nil, fmt.Errorf("grader.GradeAll: %w", err)
	}
	defer done()
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, fmt.Errorf("grader.GradeAll: %w", err)
	}
	if len(opt.Students) > 0 {
		have := map[string]bool{}
		for _, e := range entries {
			have[e.Name()] = true
		}
		var missing []string
		for _, s := range opt.Students {
			if !have[s] {
				missing = append(missing, DisplayName(s))
			}
		}
		if len(missing) > 0 {
			return nil, fmt.Errorf("grader.GradeAll: argument Students: no folder %s in %s", strings.Join(missing, ", "), dir)
		}
	}
	autoMax := 0
	for _, e := range opt.Catalog.Exercises {
		if e.Kind == KindCode && (len(opt.Only) == 0 || slices.Contains(opt.Only, e.ID)) {
			autoMax += e.MaxPoints()
		}
	}
	results := make([]*StudentResult, len(entries))
	sem := make(chan struct{}, opt.Jobs)
	var wg sync.WaitGroup
	for i, e := range entries {
		name := e.Name()
		if !opt.Shard.Has(name) || len(opt.Students) > 0 && !slices.Contains(opt.Students, name) {
			continue
		}
		notGraded := func(why string) {
			results[i] = &StudentResult{Student: name, Max: autoMax, NotGraded: why}
		}
		switch t := e.Type(); {
		case t.IsRegular():
			continue // a file next to the students' folders (a roster, an archive): not a student
		case t&os.ModeSymlink != 0:
			notGraded("not graded: the folder is a symbolic link (copy the submission in instead)")
			continue
		case !e.IsDir():
			notGraded("not graded: not a folder (" + fileKind(t) + ")")
			continue
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			select {
			case sem <- struct{}{}:
			case <-ctx.Done():
				return
			}
			defer func() { <-sem }()
			if ctx.Err() != nil {
				return
			}
			sub, err := LoadSubmission(filepath.Join(dir, name), opt.Catalog)
			var r *StudentResult
			if err == nil {
				r, err = GradeSubmission(ctx, sub, opt)
			}
			switch {
			case ctx.Err() != nil:
				return // unfinished: left out of the gradebook
			case err != nil:
				notGraded("not graded: " + pathCleaner(dir, opt.Layout.Root)(err.Error()))
			default:
				results[i] = r
			}
		}()
	}
	wg.Wait()
	var out []*StudentResult
	for _, r := range results {
		if r != nil {
			out = append(out, r)
		}
	}
	if ctx.Err() != nil {
		return out, fmt.Errorf("grader.GradeAll: %w after %d students", ErrInterrupted, len(out))
	}
	return out, nil
}
