package main

import (
	"bytes"
	"context"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"

	"github.com/d2l-go/d2l-go/internal/grader"
)

func init() {
	register(&Command{
		Name:    "release",
		Summary: "instructors: write the student distribution (library, exercises, notebooks; no solutions, no hidden tests), or the Gradescope autograder",
		Usage:   "-out DIR  |  -gradescope AUTOGRADER.zip",
		Run:     runRelease,
	})
	register(&Command{
		Name:    "gen-exercises",
		Summary: "generate exercises/ and notebooks/exercises/ from solutions/ (stubs, public tests, questions)",
		Usage:   "[-check | -force]",
		Run:     runGenExercises,
	})
}

// runGenExercises implements `d2l gen-exercises`.
func runGenExercises(_ context.Context, args []string) error {
	c := commands["gen-exercises"]
	flags := flags(c, os.Stderr)
	check := flags.Bool("check", false, "write nothing; fail if exercises/ is out of sync with solutions/")
	force := flags.Bool("force", false, "overwrite and remove generated files even when they were changed since they were generated")
	if err := flags.Parse(args); err != nil {
		return err
	}
	root, err := grader.FindRoot(".")
	if err != nil {
		return err
	}
	l := grader.NewLayout(root)
	if *check {
		stale, err := grader.Stale(l)
		if err != nil {
			return err
		}
		if len(stale) > 0 {
			return fmt.Errorf("out of sync with solutions/: %s (run `go run ./cmd/d2l gen-exercises`)", strings.Join(stale, ", "))
		}
		return nil
	}
	written, err := grader.Generate(l, *force)
	for _, p := range written {
		rel, _ := filepath.Rel(root, p)
		fmt.Println("gen-exercises: wrote", rel)
	}
	return err
}

// secretPaths never reach a release (relative to the repository root).
// internal/similarity/testdata holds solutions of exercises (the similarity
// check's corpus).
var secretPaths = []string{"solutions", "internal/grader/hidden", "internal/grader/testdata", "internal/similarity/testdata", ".git", "build", "out"}

// studentReadme is the source of the student distribution's README.md, which
// takes the place of the teacher's.
const studentReadme = "docs/README.student.md"

// teacherOnly are files for teachers that the student distribution leaves out
// (not secret: they describe grading, not answers).
var teacherOnly = []string{"docs/TEACHING.md", studentReadme}

// isSecret reports whether rel (slash-separated) must stay out of a release.
func isSecret(rel string) bool {
	for _, s := range secretPaths {
		if rel == s || strings.HasPrefix(rel, s+"/") {
			return true
		}
	}
	// The grader's own tests grade the reference: they need solutions/.
	return strings.HasPrefix(rel, "internal/grader/") && strings.HasSuffix(rel, "_test.go")
}

// runRelease implements `d2l release`.
func runRelease(_ context.Context, args []string) error {
	c := commands["release"]
	fset := flags(c, os.Stderr)
	out := fset.String("out", "", "folder to write the student distribution to (must not exist or be empty)")
	gradescope := fset.String("gradescope", "", "zip file to write Gradescope's autograder to (setup.sh, run_autograder, the grader, solutions and hidden tests: for the teacher to upload, never for students)")
	if err := fset.Parse(args); err != nil {
		return err
	}
	if (*out == "") == (*gradescope == "") || fset.NArg() > 0 {
		return fmt.Errorf("%w: one of -out and -gradescope is required", errUsage)
	}
	root, err := grader.FindRoot(".")
	if err != nil {
		return err
	}
	l := grader.NewLayout(root)
	if stale, err := grader.Stale(l); err != nil {
		return err
	} else if len(stale) > 0 {
		return fmt.Errorf("exercises/ is out of sync with solutions/ (%s): run `go run ./cmd/d2l gen-exercises` first", strings.Join(stale, ", "))
	}
	if *gradescope != "" {
		return writeGradescope(l, *gradescope)
	}
	if entries, err := os.ReadDir(*out); err == nil && len(entries) > 0 {
		return fmt.Errorf("%w: -out %s is not empty", errUsage, *out)
	}
	files, err := releaseFiles(root)
	if err != nil {
		return err
	}
	n := 0
	for _, rel := range files {
		if isSecret(rel) || slices.Contains(teacherOnly, rel) {
			continue
		}
		src := rel
		if rel == "README.md" {
			src = studentReadme // the students' README, not the teacher's
		}
		b, err := os.ReadFile(filepath.Join(root, src))
		if err != nil {
			return err
		}
		if hasSecretLine(b) {
			return fmt.Errorf("release: %s contains solution or hidden-test code; refusing to write it", rel)
		}
		dst := filepath.Join(*out, filepath.FromSlash(rel))
		if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
			return err
		}
		info, err := os.Stat(filepath.Join(root, rel))
		if err != nil {
			return err
		}
		if err := os.WriteFile(dst, b, info.Mode().Perm()); err != nil {
			return err
		}
		n++
	}
	fmt.Printf("release: wrote %d files to %s (no solutions/, no hidden tests; README.md is the students' guide: %s)\n", n, *out, studentReadme)
	return nil
}

// hasSecretLine reports whether a file has a solution-region marker line or
// the build constraint of the hidden tests.
func hasSecretLine(b []byte) bool {
	for _, line := range bytes.Split(b, []byte("\n")) {
		switch string(bytes.TrimSpace(line)) {
		case grader.BeginSolution, grader.EndSolution, "//go:build " + grader.HiddenTag:
			return true
		}
	}
	return false
}

// releaseFiles lists the files of the checkout: git's tracked and untracked
// but not ignored files when git is there, else every regular file.
func releaseFiles(root string) ([]string, error) {
	cmd := exec.Command("git", "ls-files", "-co", "--exclude-standard")
	cmd.Dir = root
	if out, err := cmd.Output(); err == nil {
		var files []string
		for _, f := range strings.Split(strings.TrimSpace(string(out)), "\n") {
			if f != "" {
				if _, err := os.Stat(filepath.Join(root, f)); err == nil {
					files = append(files, f)
				}
			}
		}
		return files, nil
	}
	var files []string
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(root, p)
		rel = filepath.ToSlash(rel)
		if d.IsDir() {
			if rel != "." && isSecret(rel) {
				return filepath.SkipDir
			}
			return nil
		}
		if d.Type().IsRegular() {
			files = append(files, rel)
		}
		return nil
	})
	return files, err
}
