package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/d2l-go/d2l-go/internal/grader"
)

func init() {
	register(&Command{
		Name:    "grade",
		Summary: "instructors: grade a folder of submissions (one folder per student) into a gradebook and Gradescope results",
		Usage:   "-submissions DIR -out DIR [-shard i/n] [-jobs N] [-timeout 10s] [-only 6.3-4,6.5-6] [-sandbox bwrap|jail|auto] [-unsafe-no-sandbox]  |  -merge -out DIR SHARD_OUT...  |  -manual SCORES.csv -out DIR",
		Run:     runGrade,
	})
}

// runGrade implements `d2l grade`.
func runGrade(ctx context.Context, args []string) error {
	c := commands["grade"]
	fs := flags(c, os.Stderr)
	subs := fs.String("submissions", "", "folder with one sub-folder per student (a copy of exercises/ or the exercise notebooks)")
	out := fs.String("out", "", "folder for gradebook.csv and <student>/{results.json,feedback.md}")
	jobs := fs.Int("jobs", 0, "students graded at once (default: number of CPUs)")
	timeout := fs.Duration("timeout", 10*time.Second, "time limit of each test process")
	only := fs.String("only", "", "comma-separated exercise IDs to grade (default: all)")
	sandbox := fs.String("sandbox", grader.SandboxBwrap, "the sandbox of the students' code: bwrap (bubblewrap), jail (chroot as a user of its own, for containers where bwrap cannot create namespaces; root only) or auto (bwrap when it works, else the jail)")
	unsafe := fs.Bool("unsafe-no-sandbox", false, "run the students' code WITHOUT the bubblewrap sandbox (every report says so); only for trusted code")
	shardFlag := fs.String("shard", "", "grade only shard i of n of the class (e.g. 2/5), on one of n machines; combine the outputs with -merge")
	merge := fs.Bool("merge", false, "combine the -out folders of every shard, given as arguments, into one gradebook in -out")
	manual := fs.String("manual", "", "merge the teacher's manual scores (CSV: student,exercise,points,comment; the template is -out/manual_scores.csv) into the gradebook and results.json of -out")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *manual != "" {
		if *out == "" || *subs != "" || *merge || fs.NArg() > 0 {
			return fmt.Errorf("%w: -manual takes the scores file and -out, the folder graded before", errUsage)
		}
		_, cat, err := instructorCatalog()
		if err != nil {
			return err
		}
		if err := grader.ApplyManualScores(*out, cat, *manual); err != nil {
			return err
		}
		fmt.Printf("merged the manual scores of %s into %s/%s and the students' results.json\n", *manual, *out, grader.GradebookFile)
		return nil
	}
	if *merge {
		if *out == "" || fs.NArg() == 0 || *subs != "" || *shardFlag != "" {
			return fmt.Errorf("%w: -merge takes -out and the shards' output folders as arguments", errUsage)
		}
		if err := grader.MergeShards(fs.Args(), *out); err != nil {
			return err
		}
		fmt.Printf("merged %d shards into %s/%s\n", fs.NArg(), *out, grader.GradebookFile)
		return nil
	}
	var shard grader.Shard
	if *shardFlag != "" {
		var err error
		if shard, err = grader.ParseShard(*shardFlag); err != nil {
			return fmt.Errorf("%w: %v", errUsage, err)
		}
	}
	if *subs == "" || *out == "" || fs.NArg() > 0 {
		return fmt.Errorf("%w: -submissions and -out are required", errUsage)
	}
	if err := grader.CheckFolders(*subs, *out); err != nil {
		return err
	}
	if info, err := os.Stat(*subs); err != nil || !info.IsDir() {
		return fmt.Errorf("%w: -submissions %s is not a folder", errUsage, *subs)
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
	var ids []string
	if *only != "" {
		ids = strings.Split(*only, ",")
	}
	start := time.Now()
	results, err := grader.GradeAll(ctx, *subs, grader.Options{
		Layout: l, Catalog: cat, Reference: true, Hidden: true, Jobs: *jobs, TestTimeout: *timeout, Only: ids, NoSandbox: *unsafe,
		Sandbox: *sandbox, Shard: shard,
	})
	if err != nil && !errors.Is(err, grader.ErrInterrupted) {
		return err
	}
	if werr := grader.WriteReports(*out, cat, results); werr != nil {
		return werr
	}
	if shard.N > 1 && err == nil {
		class, cerr := grader.ClassMembers(*subs)
		if cerr != nil {
			return cerr
		}
		if werr := grader.WriteShardManifest(*out, shard, class, results); werr != nil {
			return werr
		}
	}
	if err != nil {
		return fmt.Errorf("%w; wrote the gradebook of the %d students finished to %s", err, len(results), *out)
	}
	for _, r := range results {
		fmt.Printf("%-24s %4d / %d\n", grader.DisplayName(r.Student), r.Score, r.Max)
	}
	fmt.Printf("graded %d submissions in %s; wrote %s/gradebook.csv\n", len(results), time.Since(start).Round(time.Millisecond), *out)
	return nil
}

// instructorCatalog returns the layout of the instructor's checkout around the working
// directory and its full catalog (solutions and hidden tests).
func instructorCatalog() (grader.Layout, *grader.Catalog, error) {
	root, err := grader.FindRoot(".")
	if err != nil {
		return grader.Layout{}, nil, err
	}
	l := grader.NewLayout(root)
	cat, err := grader.LoadCatalog(l.Solutions, l.Hidden)
	if err != nil {
		return l, nil, fmt.Errorf("%w (grading needs the instructor's checkout with solutions/)", err)
	}
	return l, cat, nil
}
