package main

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/d2l-go/d2l-go/internal/grader"
)

func init() {
	register(&Command{
		Name:    "check",
		Summary: "students: run the public tests of your exercises (exercises/ and the exercise notebooks): PASS/FAIL, points, hidden tests left",
		Usage:   "[-json] [-timeout 10s] [NOTEBOOK.ipynb...] [EXERCISE...]   (e.g. d2l check 6.3-4 6.5-6; d2l check ../notebooks/exercises/6.3-exercises.ipynb)",
		Run:     runCheck,
	})
}

// runCheck implements `d2l check`. It scores as grading does, with the public
// tests only: a file that does not compile costs its own exercise, and the rest
// of its section is still checked (with the untouched stub in its place, where
// grading puts the reference). It reads the Go files of exercises/ and, for an
// exercise whose Go file is untouched, its solution cell in the exercise
// notebooks beside exercises/ when that cell was changed; a notebook named on
// the command line is read whole, its cells taking the place of the Go files.
func runCheck(ctx context.Context, args []string) error {
	c := commands["check"]
	fs := flags(c, os.Stderr)
	asJSON := fs.Bool("json", false, "print the results as JSON")
	timeout := fs.Duration("timeout", 10*time.Second, "time limit of each test")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	dir, err := grader.FindModule(".", grader.ExercisesModule)
	if err != nil {
		return fmt.Errorf("run d2l check inside your copy of exercises/: %w", err)
	}
	root, err := grader.FindRoot(filepath.Dir(dir))
	if err != nil {
		return err
	}
	cat, err := grader.ReadCatalogJSON(filepath.Join(dir, "catalog.json"))
	if err != nil {
		return err
	}
	var ids, notebooks []string
	for _, a := range fs.Args() {
		if strings.HasSuffix(a, ".ipynb") {
			notebooks = append(notebooks, a)
			continue
		}
		if cat.Find(a) == nil {
			return fmt.Errorf("%w: unknown exercise %q (see catalog.json, e.g. 6.3-4)", errUsage, a)
		}
		ids = append(ids, a)
	}
	sub, err := grader.LoadSubmission(dir, cat)
	if err != nil {
		return err
	}
	sub.Notes = nil // in a student's own module its test files are the public tests
	out := os.Stdout
	if *asJSON {
		out = os.Stderr
	}
	if len(notebooks) > 0 {
		for _, nb := range notebooks {
			took, err := sub.UseNotebook(nb, cat, false)
			if err != nil {
				return err
			}
			fmt.Fprintf(out, "reading %s from %s\n", strings.Join(took, ", "), nb)
		}
	} else {
		paths, _ := filepath.Glob(filepath.Join(root, "notebooks", "exercises", "*.ipynb"))
		for _, nb := range paths {
			took, err := sub.UseNotebook(nb, cat, true)
			if err != nil {
				fmt.Fprintf(out, "note: %v\n", err)
				continue
			}
			if len(took) > 0 {
				rel := nb
				if wd, err := os.Getwd(); err == nil {
					if r, err := filepath.Rel(wd, nb); err == nil {
						rel = r
					}
				}
				fmt.Fprintf(out, "reading %s from the notebook %s (its solution cells were changed; the Go files were not)\n", strings.Join(took, ", "), rel)
			}
		}
	}
	l := grader.NewLayout(root)
	l.Exercises = dir
	res, err := grader.GradeSubmission(ctx, sub, grader.Options{
		Layout: l, Catalog: cat, Only: ids, TestTimeout: *timeout, NoSandbox: true, // a student's own code on their own machine
	})
	if err != nil {
		return err
	}
	if *asJSON {
		b, _ := json.MarshalIndent(res, "", "  ")
		fmt.Println(string(b))
	} else {
		grader.CheckReport(os.Stdout, res)
		fmt.Println(stillToCome(cat, ids))
	}
	if res.Score < res.Max {
		var failed []string
		for _, e := range res.Exercises {
			if e.Kind == grader.KindCode && e.Score < e.Max {
				failed = append(failed, e.ID)
			}
		}
		return fmt.Errorf("%d of %d public points; failing: %s", res.Score, res.Max, strings.Join(failed, " "))
	}
	return nil
}

// stillToCome says what grading adds to the public tests of the exercises checked (all when
// only is empty): hidden tests and their points, manual items and their points.
func stillToCome(cat *grader.Catalog, only []string) string {
	hidden, hiddenPoints, manual, manualPoints := 0, 0, 0, 0
	for _, e := range cat.Exercises {
		if len(only) > 0 && !slices.Contains(only, e.ID) {
			continue
		}
		if e.Kind == grader.KindManual {
			manual++
			manualPoints += e.MaxPoints()
			continue
		}
		hidden += len(e.Hidden) + e.HiddenCount
		hiddenPoints += e.HiddenPoints
		for _, t := range e.Hidden {
			hiddenPoints += t.Points
		}
	}
	return fmt.Sprintf("still to come when graded / 评分时还有: %d hidden tests (%d points), %d manual items (%d points; answers in secNN/ANSWERS.md)",
		hidden, hiddenPoints, manual, manualPoints)
}
