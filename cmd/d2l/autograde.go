package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/d2l-go/d2l-go/internal/grader"
)

func init() {
	register(&Command{
		Name:    "autograde",
		Summary: "Gradescope's autograder (run_autograder runs it): grade ROOT/submission into ROOT/results/results.json with the package in ROOT/source",
		Usage:   "[-root /autograder] [-sandbox auto|bwrap|jail] [-timeout 10s] [-self-test]",
		Run:     runAutograde,
	})
}

// runAutograde implements `d2l autograde`, the grader of the Gradescope
// package (`d2l release -gradescope`). It grades one submission as `d2l grade`
// grades a student (reference standing in for what is missing, hidden tests,
// every test process sandboxed) and writes Gradescope's results.json
// (grader.AutograderResults); when it cannot grade, the results.json says why
// with a score of 0 (grader.AutograderFailure), since Gradescope shows nothing
// without one. The sandbox is bubblewrap where it can create its namespaces,
// else the jail (chroot as a user of its own): Gradescope's containers
// usually allow only the latter.
//
// With -self-test (setup.sh) it grades the reference solutions instead, which
// fills Go's build cache, and fails unless they get full marks; when no sandbox
// works while the image is built, it grades them (trusted code) without one.
func runAutograde(ctx context.Context, args []string) error {
	c := commands["autograde"]
	fs := flags(c, os.Stderr)
	root := fs.String("root", "/autograder", "Gradescope's folder: source/ (the package), submission/, results/")
	sandbox := fs.String("sandbox", grader.SandboxAuto, "the sandbox of the student's code: auto (bubblewrap when it works here, else the jail), bwrap or jail")
	timeout := fs.Duration("timeout", 10*time.Second, "time limit of each test process")
	selfTest := fs.Bool("self-test", false, "grade the reference solutions instead and fail unless they get full marks (setup.sh; writes no results)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("%w: unexpected arguments %q", errUsage, fs.Args())
	}
	source := filepath.Join(*root, "source")
	if *selfTest {
		return autogradeSelfTest(ctx, source, *sandbox, *timeout)
	}
	start := time.Now()
	results := filepath.Join(*root, "results", "results.json")
	res, err := autogradeSubmission(ctx, source, filepath.Join(*root, "submission"), *sandbox, *timeout)
	var g grader.Gradescope
	if err != nil {
		g = grader.AutograderFailure(strings.ReplaceAll(err.Error(), source, "."), time.Since(start))
	} else {
		g = grader.AutograderResults(res, time.Since(start))
	}
	if werr := writeResultsJSON(results, g); werr != nil {
		return errors.Join(err, werr)
	}
	if err != nil {
		return fmt.Errorf("%w (%s says so, with a score of 0)", err, results)
	}
	fmt.Printf("autograde: %d / %d points in %s; wrote %s\n", res.Score, res.Max, time.Since(start).Round(time.Millisecond), results)
	return nil
}

// autograderLayout is the package's checkout (source) and its full catalog.
func autograderLayout(source string) (grader.Layout, *grader.Catalog, error) {
	root, err := grader.FindRoot(source)
	if err != nil {
		return grader.Layout{}, nil, err
	}
	l := grader.NewLayout(root)
	cat, err := grader.LoadCatalog(l.Solutions, l.Hidden)
	return l, cat, err
}

// autogradeSubmission grades the folder submission.
func autogradeSubmission(ctx context.Context, source, submission, sandbox string, timeout time.Duration) (*grader.StudentResult, error) {
	l, cat, err := autograderLayout(source)
	if err != nil {
		return nil, err
	}
	which, err := grader.CheckSandbox(sandbox)
	if err != nil {
		return nil, err
	}
	fmt.Println("autograde: sandbox:", which)
	if info, err := os.Stat(submission); err != nil || !info.IsDir() {
		return nil, fmt.Errorf("no submission folder %s", submission)
	}
	sub, err := grader.LoadSubmission(submission, cat)
	if err != nil {
		return nil, err
	}
	return grader.GradeSubmission(ctx, sub, grader.Options{Layout: l, Catalog: cat, Reference: true, Hidden: true,
		TestTimeout: timeout, Jobs: 1, Sandbox: sandbox})
}

// autogradeSelfTest grades the reference solutions of source.
func autogradeSelfTest(ctx context.Context, source, sandbox string, timeout time.Duration) error {
	l, cat, err := autograderLayout(source)
	if err != nil {
		return err
	}
	opt := grader.Options{Layout: l, Catalog: cat, Reference: true, Hidden: true, TestTimeout: timeout, Jobs: 1, Sandbox: sandbox}
	if which, err := grader.CheckSandbox(sandbox); err != nil {
		fmt.Fprintf(os.Stderr, "autograde -self-test: WARNING: %v\nautograde -self-test: the reference (trusted code) is graded without a sandbox; run_autograder will not grade a submission unless one works then\n", err)
		opt.NoSandbox = true
	} else {
		fmt.Println("autograde -self-test: sandbox:", which)
	}
	sub, err := grader.LoadSubmission(l.Solutions, cat)
	if err != nil {
		return err
	}
	start := time.Now()
	res, err := grader.GradeSubmission(ctx, sub, opt)
	if err != nil {
		return err
	}
	if res.Max == 0 || res.Score != res.Max {
		var failed []string
		for _, e := range res.Exercises {
			for _, t := range e.Tests {
				if !t.Passed {
					failed = append(failed, fmt.Sprintf("%s %s: %s", e.ID, t.Name, firstLineOf(strings.TrimSpace(e.Note+"\n"+t.Output))))
				}
			}
		}
		return fmt.Errorf("autograde -self-test: the reference solutions get %d / %d points; failing:\n  %s", res.Score, res.Max, strings.Join(failed, "\n  "))
	}
	fmt.Printf("autograde -self-test: the reference solutions get %d / %d points (%s)\n", res.Score, res.Max, time.Since(start).Round(time.Millisecond))
	return nil
}

func firstLineOf(s string) string { l, _, _ := strings.Cut(s, "\n"); return l }

// writeResultsJSON writes results.json whole (a temporary file renamed).
func writeResultsJSON(path string, g grader.Gradescope) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return err
	}
	b, err := json.MarshalIndent(g, "", "  ")
	if err != nil {
		return err
	}
	tmp := path + ".tmp"
	if err := os.WriteFile(tmp, append(b, '\n'), 0o644); err != nil {
		return err
	}
	return os.Rename(tmp, path)
}
