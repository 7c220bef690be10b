package grader

import (
	"bufio"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
)

// The rules a question states (forbid= in its directive) are checked by the
// rules check (vetrules/main.go) that go vet runs in the sandbox of the
// submission's build: on the package as it is built, with full type
// information, every use of a forbidden object reachable from the exercise's
// file breaks the rule, whichever file, import form or indirection it goes
// through. An exercise whose rules could not be checked (its package did not
// compile as checked) is not graded in that package; the package its tests
// finally run in must have been checked (enforceRules).

// vetExercise and vetRulesConfig mirror the rules check's config (vetrules.config).
type vetExercise struct {
	ID     string   `json:"id"`
	File   string   `json:"file"`
	Forbid []string `json:"forbid"`
}

type vetTestRule struct {
	Section       string   `json:"section"`
	ExerciseFiles []string `json:"exercise_files"`
	HiddenFiles   []string `json:"hidden_files"`
}

type vetRulesConfig struct {
	Packages map[string][]vetExercise `json:"packages,omitempty"`
	Tests    map[string]vetTestRule   `json:"tests,omitempty"`
}

// vetFinding is one line of the rules check's output.
type vetFinding struct {
	Pkg      string `json:"pkg"`
	Kind     string `json:"kind"`
	Exercise string `json:"exercise"`
	File     string `json:"file"`
	Line     int    `json:"line"`
	Msg      string `json:"msg"`
}

// vetResult is what the rules check said of one package.
type vetResult struct {
	checked    bool                // checked, nothing found
	violations map[string][]string // exercise -> "file:line: message"
	why        string              // why it was not checked
}

// parseFindings reads the rules check's output (JSON lines on go vet's standard
// output): the findings, and the packages checked without any.
func parseFindings(out string) (findings []vetFinding, checked map[string]bool) {
	checked = map[string]bool{}
	sc := bufio.NewScanner(strings.NewReader(out))
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	for sc.Scan() {
		var f vetFinding
		if json.Unmarshal(sc.Bytes(), &f) != nil || f.Pkg == "" {
			continue
		}
		if f.Kind == "checked" {
			checked[f.Pkg] = true
			continue
		}
		findings = append(findings, f)
	}
	return findings, checked
}

// catalogRulesConfig is the config of the rules check of the reference
// workspace: each section's reference obeys its questions' rules, and its
// tests (public and hidden, in the external test package) use only the
// functions and types of its exercise files and nothing a submission can set,
// and no hidden test uses what a public test declares.
func catalogRulesConfig(cat *Catalog, l Layout) ([]byte, error) {
	cfg := vetRulesConfig{Packages: map[string][]vetExercise{}, Tests: map[string]vetTestRule{}}
	for _, sec := range cat.Sections() {
		rule := vetTestRule{Section: ExercisesModule + "/" + sec}
		var rules []vetExercise
		for file, e := range cat.CodeFiles(sec) {
			rule.ExerciseFiles = append(rule.ExerciseFiles, file)
			if len(e.Forbid) > 0 {
				rules = append(rules, vetExercise{ID: e.ID, File: file, Forbid: e.Forbid})
			}
		}
		sort.Strings(rule.ExerciseFiles)
		paths, _ := filepath.Glob(filepath.Join(l.Hidden, sec, "*_test.go"))
		for _, p := range paths {
			rule.HiddenFiles = append(rule.HiddenFiles, filepath.Base(p))
		}
		cfg.Tests[ExercisesModule+"/"+sec+"_test"] = rule
		if len(rules) > 0 {
			cfg.Packages[ExercisesModule+"/"+sec] = rules
		}
	}
	return json.MarshalIndent(cfg, "", "  ")
}

// sectionOfDir is the section of a package folder of the workspace: "sec65"
// for sec65, r2_sec65 and fb_sec65_6_5_5.
func sectionOfDir(dir string) string {
	for _, p := range []string{"r2_", "fb_"} {
		dir = strings.TrimPrefix(dir, p)
	}
	sec, _, _ := strings.Cut(dir, "_")
	return sec
}

// vetRules runs the rules check on those of the package folders pkgs
// ("./sec65") that hold an exercise file of the student's with rules. go vet
// compiles them and their tests as go test -c will (the same flags: the
// build that follows finds them in the submission's cache). Exercises that
// break a rule are rejected with the rules check's message; the results are
// kept for enforceRules.
func (g *grading) vetRules(pkgs []string) {
	cfg := vetRulesConfig{Packages: map[string][]vetExercise{}}
	var dirs []string
	owner := map[string]string{} // import path -> package folder
	for _, p := range pkgs {
		dir := strings.TrimPrefix(p, "./")
		sec := sectionOfDir(dir)
		var rules []vetExercise
		for _, st := range g.states {
			if st.ex.Section == sec && st.student != nil && !st.skip && len(st.ex.Forbid) > 0 && fileExists(filepath.Join(g.ws, dir, st.ex.File)) {
				rules = append(rules, vetExercise{ID: st.ex.ID, File: st.ex.File, Forbid: st.ex.Forbid})
			}
		}
		if len(rules) == 0 {
			continue
		}
		sort.Slice(rules, func(i, j int) bool { return rules[i].ID < rules[j].ID })
		cfg.Packages[ExercisesModule+"/"+dir] = rules
		owner[ExercisesModule+"/"+dir] = dir
		dirs = append(dirs, "./"+dir)
		g.vetted[dir] = &vetResult{violations: map[string][]string{}}
	}
	if len(dirs) == 0 {
		return
	}
	if g.vettool == "" { // checks: built with the student's own Go
		g.vettool = filepath.Join(g.ws, "tmp", "vetrules")
		if err := buildVettoolWith(g.ctx, "go", goEnv(), filepath.Join(g.ws, "tmp", "vetrules-src"), g.vettool); err != nil {
			for _, r := range g.vetted {
				r.why = err.Error()
			}
			return
		}
	}
	g.batch++
	cfgPath := filepath.Join(g.ws, "rules-"+strconv.Itoa(g.batch)+".json")
	b, _ := json.Marshal(cfg)
	if err := os.WriteFile(cfgPath, b, 0o644); err != nil {
		return
	}
	stdout, stderr := g.goRun([]string{vetConfigEnv + "=" + cfgPath}, append(vetArgs(g.opt.Catalog, g.vettool), dirs...)...)
	findings, checked := parseFindings(stdout)
	for path, dir := range owner {
		g.vetted[dir].checked = checked[path]
	}
	for _, f := range findings {
		dir, ok := owner[f.Pkg]
		if !ok || f.Kind != "violation" {
			continue
		}
		r := g.vetted[dir]
		r.violations[f.Exercise] = append(r.violations[f.Exercise], fmt.Sprintf("%s/%s:%d: %s", sectionOfDir(dir), f.File, f.Line, f.Msg))
	}
	blocks := packageBlocks(stderr)
	for _, dir := range owner {
		r := g.vetted[dir]
		if r.checked || len(r.violations) > 0 {
			continue
		}
		r.why = strings.TrimSpace(blocks[dir])
		if note := limitNote(r.why, g.opt.BuildLimits, g.opt.BuildTimeout); note != "" {
			r.why = note
		}
		if r.why == "" {
			r.why = firstLine(strings.TrimSpace(stderr))
		}
		r.why = strings.ReplaceAll(r.why, dir+"/", sectionOfDir(dir)+"/")
	}
	for _, r := range g.vetted {
		for id, msgs := range r.violations {
			if st := g.states[id]; st != nil && !st.skip {
				st.skip = true
				st.res.Note = "rejected: " + strings.Join(msgs, "\n")
			}
		}
	}
}

// enforceRules rejects every exercise with rules whose tests would run in a
// package the rules check did not check (it did not compile there, or the
// check could not run): a rule that cannot be checked is not taken as kept.
func (g *grading) enforceRules() {
	for _, st := range g.states {
		if st.skip || st.student == nil || len(st.ex.Forbid) == 0 || st.bin == "" {
			continue
		}
		r := g.vetted[st.pkgDir()]
		switch {
		case r == nil:
			st.skip = true
			st.res.Note = "rejected: the rules of this exercise (not allowed: " + strings.Join(st.ex.Forbid, ", ") + ") were not checked"
		case len(r.violations[st.ex.ID]) > 0:
			st.skip = true
			st.res.Note = "rejected: " + strings.Join(r.violations[st.ex.ID], "\n")
		case !r.checked:
			st.skip = true
			st.res.Note = "rejected: the rules of this exercise (not allowed: " + strings.Join(st.ex.Forbid, ", ") + ") could not be checked: " + r.why
		}
	}
}

// buildVettoolWith builds the rules check (the embedded vetrules sources) with
// the go command goBin and environment env, in the folder dir, into out.
func buildVettoolWith(ctx context.Context, goBin string, env []string, dir, out string) error {
	sum := sha256.Sum256(vetrulesSource)
	files := map[string][]byte{"go.mod": []byte("module d2l.invalid/vetrules\n\ngo 1.22\n")}
	for _, name := range []string{"main.go", "cacheprog.go"} {
		b, err := vetrulesFiles.ReadFile("vetrules/" + name)
		if err != nil {
			return err
		}
		files[name] = b
	}
	if err := writeFiles(dir, files); err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	cmd := exec.CommandContext(ctx, goBin, "build", "-trimpath", "-o", out, "-ldflags=-X main.version=v1-"+hex.EncodeToString(sum[:8]), ".")
	cmd.Dir = dir
	cmd.Env = append(env, "GOFLAGS=-mod=mod", "GOWORK=off", "GOPROXY=off", "CGO_ENABLED=0")
	if b, err := cmd.CombinedOutput(); err != nil {
		return fmt.Errorf("building the rules check: %v: %s", err, truncate(string(b), 2000))
	}
	return nil
}

// vetConfigEnv names the rules check's config file (in its environment: go vet
// keys its cache by the flags, which must stay the same for every submission).
const vetConfigEnv = "D2L_VETRULES_CONFIG"

// vetArgs are the arguments of go vet with the rules check, before the
// packages: the same build flags as go test -c (the build reuses its
// compiles), and a digest of the catalog's rules, which go vet's cache keys
// the results by.
func vetArgs(cat *Catalog, tool string) []string {
	h := sha256.New()
	for _, e := range cat.Exercises {
		fmt.Fprintf(h, "%s %s %s %q\n", e.ID, e.Section, e.File, e.Forbid)
		for _, t := range e.Tests() {
			fmt.Fprintf(h, "test %s %v\n", t.Name, t.Hidden)
		}
	}
	return []string{"vet", "-json", "-trimpath", "-tags=" + HiddenTag, "-vettool=" + tool, "-rules=" + hex.EncodeToString(h.Sum(nil))[:16]}
}
