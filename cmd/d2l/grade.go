package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/d2l-go/d2l-go/internal/grader"
)

func init() {
	register(&Command{
		Name:    "grade",
		Summary: "instructors: grade a class (one folder per student) into an output folder: gradebook, feedback, manual grading pages, statistics; re-grade students or exercises; merge manual scores",
		Usage: "-submissions DIR -out OUT [-student NAME]... [-only 6.3-4,6.5-6] [-roster FILE] [-deadline TIME -late-per-day 0.1] [-similarity] [-shard i/n] [-jobs N] [-timeout 10s] [-sandbox bwrap|jail|auto]\n" +
			"       -out OUT -student NAME...          (re-grade some students; the submissions folder OUT was graded from)\n" +
			"       -manual SCORES.csv -out OUT        (merge manual scores; needs only OUT)\n" +
			"       -reports -out OUT [-roster FILE] [-deadline ...]   (rebuild the reports, e.g. after changing the roster)\n" +
			"       -merge -out OUT SHARD_OUT...",
		Run: runGrade,
	})
}

// stringList is a flag that may be repeated.
type stringList []string

func (l *stringList) String() string     { return strings.Join(*l, ",") }
func (l *stringList) Set(s string) error { *l = append(*l, s); return nil }

// runGrade implements `d2l grade`.
func runGrade(ctx context.Context, args []string) error {
	c := commands["grade"]
	fs := flags(c, os.Stderr)
	subs := fs.String("submissions", "", "the class folder: one sub-folder per student (a copy of exercises/, the exercise notebooks, the Go files, a zip); default: the one OUT was graded from")
	out := fs.String("out", "", "the output folder; grading again updates it (other students' reports and the manual scores are kept)")
	var students stringList
	fs.Var(&students, "student", "grade only this student's folder (repeat for several); the others keep their reports")
	jobs := fs.Int("jobs", 0, "students graded at once (default: number of CPUs)")
	timeout := fs.Duration("timeout", 10*time.Second, "time limit of each test process")
	only := fs.String("only", "", "comma-separated exercise IDs to grade (default: all); the other exercises keep their results")
	sandbox := fs.String("sandbox", grader.SandboxBwrap, "the sandbox of the students' code: bwrap (bubblewrap), jail (chroot as a user of its own, for containers where bwrap cannot create namespaces; root only) or auto (bwrap when it works, else the jail)")
	unsafe := fs.Bool("unsafe-no-sandbox", false, "run the students' code WITHOUT the bubblewrap sandbox (every report says so); only for trusted code")
	shardFlag := fs.String("shard", "", "grade only shard i of n of the class (e.g. 2/5), on one of n machines; combine the outputs with -merge")
	merge := fs.Bool("merge", false, "combine the -out folders of every shard, given as arguments, into one output folder -out")
	manual := fs.String("manual", "", "merge manual scores (OUT/manual_scores.csv after you filled it in, or another teacher's copy of it) into every report of -out")
	reports := fs.Bool("reports", false, "rebuild every report of -out from what it holds (after changing the roster or the late rule); grades nothing")
	roster := fs.String("roster", "", "roster CSV: folder,name,id,email,lms_id,login,section,submitted,due (default: SUBS/roster.csv when there is one; \"none\" to stop using one)")
	deadline := fs.String("deadline", "", "deadline for the late rule: 2026-12-01T23:59+08:00, or 2026-12-01 23:59 in local time")
	perDay := fs.Float64("late-per-day", 0, "late penalty: the fraction of the points taken off per day (or part of a day) after the deadline, e.g. 0.1")
	lateMax := fs.Float64("late-max", 0, "the most the late penalty takes, as a fraction (default 1: everything)")
	grace := fs.Duration("late-grace", 0, "time after the deadline that still counts as on time, e.g. 15m")
	similar := fs.Bool("similarity", false, "also compare every pair of submissions per exercise and write OUT/similarity.md and OUT/similarity.html")
	similarMin := fs.Float64("similarity-min", 0.5, "the least similarity (0–1) a pair needs to be listed")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	set := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { set[f.Name] = true })
	if *out == "" {
		return fmt.Errorf("%w: -out is required (the output folder)", errUsage)
	}
	switch {
	case *manual != "":
		if *subs != "" || *merge || *reports || len(students) > 0 || fs.NArg() > 0 {
			return fmt.Errorf("%w: -manual takes the scores file and -out, the folder graded before", errUsage)
		}
		s, err := grader.ApplyManualScores(*out, *manual)
		if err != nil {
			return err
		}
		fmt.Printf("merged %s into %s\n", *manual, *out)
		return printSummary(os.Stdout, *out, s)
	case *merge:
		if fs.NArg() == 0 || *subs != "" || *shardFlag != "" {
			return fmt.Errorf("%w: -merge takes -out and the shards' output folders as arguments", errUsage)
		}
		if err := grader.MergeShards(fs.Args(), *out); err != nil {
			return err
		}
		fmt.Printf("merged %d shards into %s\n", fs.NArg(), *out)
		return nil
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("%w: unexpected arguments %q (name students with -student NAME)", errUsage, fs.Args())
	}
	course, err := grader.ReadCourse(*out)
	if err != nil {
		return err
	}
	if err := courseFlags(&course, set, *subs, *roster, *deadline, *perDay, *lateMax, *grace); err != nil {
		return err
	}
	if *reports {
		if *subs != "" || len(students) > 0 || *only != "" {
			return fmt.Errorf("%w: -reports rebuilds the reports of -out; it grades nothing (drop -submissions, -student, -only)", errUsage)
		}
		s, err := grader.RebuildReports(*out, grader.ReportOptions{Course: &course})
		if err != nil {
			return err
		}
		fmt.Printf("rebuilt the reports of %s\n", *out)
		return printSummary(os.Stdout, *out, s)
	}
	if course.Submissions == "" {
		return fmt.Errorf("%w: -submissions is required (the class folder: one sub-folder per student); %s has not been graded from one yet", errUsage, *out)
	}
	var shard grader.Shard
	if *shardFlag != "" {
		if shard, err = grader.ParseShard(*shardFlag); err != nil {
			return fmt.Errorf("%w: %v", errUsage, err)
		}
		if len(students) > 0 {
			return fmt.Errorf("%w: -shard grades a part of the class; -student names students: use one of them", errUsage)
		}
	}
	if err := grader.CheckFolders(course.Submissions, *out); err != nil {
		return err
	}
	if info, err := os.Stat(course.Submissions); err != nil || !info.IsDir() {
		return fmt.Errorf("%w: the submissions folder %s is not a folder", errUsage, course.Submissions)
	}
	if !*unsafe {
		which, err := grader.CheckSandbox(*sandbox)
		if err != nil {
			return err
		}
		if *sandbox != grader.SandboxBwrap {
			fmt.Fprintln(os.Stderr, "d2l grade: sandbox:", which)
		}
	} else {
		fmt.Fprintln(os.Stderr, "d2l grade: WARNING: -unsafe-no-sandbox: the students' code runs unconfined; every report says so")
	}
	l, cat, err := instructorCatalog()
	if err != nil {
		return err
	}
	// The exercises: -only's, else the course's (all when it has none). The
	// first run's -only sets the course's; a later -only of others widens them.
	ids := course.Exercises
	if *only != "" {
		ids = strings.Split(*only, ",")
		for _, id := range ids {
			if cat.Find(id) == nil {
				return fmt.Errorf("%w: -only: unknown exercise %q (see exercises/catalog.json, e.g. 6.3-4)", errUsage, id)
			}
		}
		if _, err := os.Stat(filepath.Join(*out, grader.CatalogFile)); err != nil {
			course.Exercises = ids // a new output folder: the class is graded on these
		} else if len(course.Exercises) > 0 {
			for _, id := range ids {
				if !slices.Contains(course.Exercises, id) {
					course.Exercises = append(course.Exercises, id)
					fmt.Printf("%s added to the exercises %s is graded on\n", id, *out)
				}
			}
		}
	}
	start := time.Now()
	results, gerr := grader.GradeAll(ctx, course.Submissions, grader.Options{
		Layout: l, Catalog: cat, Reference: true, Hidden: true, Jobs: *jobs, TestTimeout: *timeout, Only: ids, NoSandbox: *unsafe,
		Sandbox: *sandbox, Shard: shard, Students: students,
	})
	if gerr != nil && !errors.Is(gerr, grader.ErrInterrupted) {
		return gerr
	}
	var class []string
	if len(students) == 0 && shard.N <= 1 {
		if class, err = grader.ClassMembers(course.Submissions); err != nil {
			return err
		}
	}
	s, err := grader.UpdateReports(*out, cat, results, grader.ReportOptions{Course: &course, Class: class})
	if err != nil {
		return err
	}
	if shard.N > 1 && gerr == nil {
		all, cerr := grader.ClassMembers(course.Submissions)
		if cerr != nil {
			return cerr
		}
		if werr := grader.WriteShardManifest(*out, shard, all, results); werr != nil {
			return werr
		}
	}
	if gerr != nil {
		return fmt.Errorf("%w; wrote the reports of the %d students finished to %s", gerr, len(results), *out)
	}
	for _, r := range results {
		fmt.Printf("%-24s %s\n", grader.DisplayName(r.Student), grader.TotalsLine(s.Totals[r.Student]))
	}
	fmt.Printf("graded %d submissions in %s (%d students in %s)\n", len(results), time.Since(start).Round(time.Millisecond), s.Students, *out)
	if *similar {
		if err := similarityReport(*out, course.Submissions, cat, ids, *similarMin); err != nil {
			return err
		}
	}
	return printSummary(os.Stdout, *out, s)
}

// courseFlags applies the flags that change OUT's course settings.
func courseFlags(c *grader.Course, set map[string]bool, subs, roster, deadline string, perDay, lateMax float64, grace time.Duration) error {
	if subs != "" {
		abs, err := filepath.Abs(subs)
		if err != nil {
			return err
		}
		c.Submissions = abs
	}
	switch {
	case roster == "none":
		c.Roster = ""
	case roster != "":
		abs, err := filepath.Abs(roster)
		if err != nil {
			return err
		}
		if _, err := os.Stat(abs); err != nil {
			return fmt.Errorf("%w: -roster: %v", errUsage, err)
		}
		c.Roster = abs
	case c.Roster == "" && c.Submissions != "":
		if p := filepath.Join(c.Submissions, grader.RosterFile); fileExists(p) {
			c.Roster = p
		}
	}
	if set["deadline"] {
		if deadline == "" {
			c.Late = grader.LatePolicy{}
		} else {
			t, err := grader.ParseTime(deadline, nil)
			if err != nil {
				return fmt.Errorf("%w: -deadline: %v", errUsage, err)
			}
			c.Late.Deadline = t
		}
	}
	if set["late-per-day"] {
		c.Late.PerDay = perDay
	}
	if set["late-max"] {
		c.Late.Max = lateMax
	}
	if set["late-grace"] {
		c.Late.GraceMinutes = int(grace / time.Minute)
	}
	if err := c.Late.Check(); err != nil {
		return fmt.Errorf("%w: %v", errUsage, err)
	}
	return nil
}

func fileExists(p string) bool { _, err := os.Stat(p); return err == nil }

// printSummary tells the teacher what the reports hold now and what to do
// next; it returns an error when manual_scores.csv has mistakes.
func printSummary(w io.Writer, out string, s *grader.Summary) error {
	fmt.Fprintf(w, "reports: %s (one row per student, maxima first), <student>/feedback.md and results.json, %s, %s\n",
		filepath.Join(out, grader.GradebookFile), filepath.Join(out, grader.StatsFile), filepath.Join(out, grader.ManualDir, "README.md"))
	if len(s.Kept) > 0 {
		names := make([]string, len(s.Kept))
		for i, k := range s.Kept {
			names[i] = grader.DisplayName(k)
		}
		fmt.Fprintf(w, "kept %d students graded before who are not in the submissions folder now: %s (delete OUT/<student>/ to drop one)\n", len(s.Kept), strings.Join(names, ", "))
	}
	fmt.Fprintln(w, s.Manual.String())
	for _, warn := range s.Warnings {
		fmt.Fprintln(w, "look at:", warn)
	}
	if len(s.Manual.Mistakes) > 0 {
		return fmt.Errorf("%s has %d mistakes (listed above; their rows count as not scored): fix them, then run d2l grade -manual %s -out %s",
			s.Manual.File, len(s.Manual.Mistakes), s.Manual.File, out)
	}
	if s.Manual.Empty > 0 {
		fmt.Fprintf(w, "next: score the manual items one question at a time (%s), writing the points into %s, then run: d2l grade -manual %s -out %s\n",
			filepath.Join(out, grader.ManualDir, "README.md"), s.Manual.File, s.Manual.File, out)
	}
	return nil
}

// similarityReport runs the similarity check over the class and writes its report.
func similarityReport(out, subs string, cat *grader.Catalog, only []string, minScore float64) error {
	class, err := grader.ClassMembers(subs)
	if err != nil {
		return err
	}
	var loaded []*grader.Submission
	for _, name := range class {
		p := filepath.Join(subs, name)
		if info, err := os.Lstat(p); err != nil || !info.IsDir() {
			continue
		}
		s, err := grader.LoadSubmission(p, cat)
		if err != nil {
			continue
		}
		loaded = append(loaded, s)
	}
	opt := grader.SimilarityOptions{MinScore: minScore, Only: only}
	pairs := grader.FindSimilar(cat, loaded, opt)
	if err := grader.WriteSimilarity(out, cat, loaded, pairs, opt); err != nil {
		return err
	}
	fmt.Printf("similarity: %d pairs of submissions alike (at least %.0f %%); see %s and %s\n", len(pairs), 100*minScore,
		filepath.Join(out, grader.SimilarityFile), filepath.Join(out, grader.SimilarityHTML))
	return nil
}

// instructorCatalog returns the layout of the instructor's checkout around the working
// directory and its full catalog (solutions and hidden tests).
func instructorCatalog() (grader.Layout, *grader.Catalog, error) {
	root, err := grader.FindRoot(".")
	if err != nil {
		return grader.Layout{}, nil, fmt.Errorf("grading runs in the instructor's checkout of d2l-go (cd into it; it has solutions/): %w", err)
	}
	l := grader.NewLayout(root)
	cat, err := grader.LoadCatalog(l.Solutions, l.Hidden)
	if err != nil {
		return l, nil, fmt.Errorf("%w (grading needs the instructor's checkout with solutions/)", err)
	}
	return l, cat, nil
}
