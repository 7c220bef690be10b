package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/d2l-go/d2l-go/internal/harness"
	"github.com/d2l-go/d2l-go/internal/literate"
	"github.com/d2l-go/d2l-go/internal/notebook"
)

func init() {
	register(&Command{
		Name: "notebooks",
		Summary: "maintainers: set up, then execute headless and check the notebooks generated from chapter6/*.md; " +
			"prints OK or FAIL per notebook (executed copies in build/notebooks; notebooks/ changes only with -write)",
		Usage: "[-write [-force]] [-accept] [-v] [-times] [-j N] [-timeout D] [section prefixes, e.g. 6.2 6.3]",
		Run:   runNotebooks,
	})
}

// runNotebooks implements `d2l notebooks`.
func runNotebooks(ctx context.Context, args []string) error {
	c := commands["notebooks"]
	fs := flags(c, os.Stderr)
	write := fs.Bool("write", false, "copy each executed notebook that passes into notebooks/ (what gets committed), unless the one there was changed by hand in Jupyter")
	force := fs.Bool("force", false, "with -write, also copy notebooks that fail, and over notebooks changed by hand")
	accept := fs.Bool("accept", false, "record the actual outputs as the expected ones in chapter6/*.md (cells that error or panic are left alone)")
	jobs := fs.Int("j", 2, "notebooks executed at the same time (2 is about 20% faster than 1 on 2 cores)")
	timeout := fs.Duration("timeout", 10*time.Minute, "limit per cell")
	doSetupFlag := fs.Bool("setup", true, "run `d2l setup` first (installs what is missing)")
	times := fs.Bool("times", false, "print each notebook's cell latencies (from GoNB's log): median, first, max")
	verbose := fs.Bool("v", false, "print every problem of a failing notebook, not only the first")
	out := fs.String("out", "", "directory of the executed copies (default ROOT/build/notebooks)")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if *jobs < 1 {
		return fmt.Errorf("%w: -j: got %d, want >= 1", errUsage, *jobs)
	}
	root, err := harness.RepoRoot(".")
	if err != nil {
		return err
	}
	p := harness.Project{Root: root}
	var tools harness.Tools
	if *doSetupFlag {
		s, err := doSetup(ctx, root, os.Stdout, true)
		if err != nil {
			return err
		}
		tools = s.Tools
	} else if tools, err = harness.FindTools(); err != nil {
		return err
	}
	docs, err := p.Docs()
	if err != nil {
		return err
	}
	docs = selectDocs(docs, fs.Args())
	if len(docs) == 0 {
		return fmt.Errorf("no notebook sources match %q in %s", fs.Args(), filepath.Join(root, "chapter6"))
	}
	if *out == "" {
		*out = filepath.Join(root, "build", "notebooks")
	}
	// What runs is each notebook as generated from its source now, written to OUT/src: the
	// notebooks in notebooks/, which a reader may have changed in Jupyter, are neither run
	// nor touched (only -write copies the results there).
	gen := harness.Project{Root: root, NotebookDir: filepath.Join(*out, "src")}
	if err := os.MkdirAll(filepath.Join(*out, "src"), 0o755); err != nil {
		return err
	}
	for _, d := range docs {
		if err := notebook.WriteFile(gen.NotebookPath(d), d.Notebook(p.GenOptions(d))); err != nil {
			return err
		}
	}
	r := &harness.Runner{Tools: tools, Root: root, DataDir: harness.JupyterDataDir(root), OutDir: *out, CellTimeout: *timeout}
	if err := r.PrepareKernel(); err != nil {
		return err
	}

	start := time.Now()
	// Results print in section order, each as soon as it and those before it are done.
	done := make([]chan struct{}, len(docs))
	for i := range docs {
		done[i] = make(chan struct{})
	}
	results := make([]*harness.Result, len(docs))
	// Returning early (an error, Ctrl-C) cancels the notebooks still running and waits for
	// them to end: nbconvert and its kernel are stopped, none is left behind.
	ctx, cancel := context.WithCancel(ctx)
	allDone := make(chan struct{})
	defer func() {
		cancel()
		<-allDone
	}()
	go func() {
		defer close(allDone)
		r.RunAll(ctx, gen, docs, *jobs, func(i int, res *harness.Result) {
			results[i] = res
			close(done[i])
		})
	}()
	failed := 0
	var kept []string
	for i, d := range docs {
		select {
		case <-done[i]:
		case <-ctx.Done():
			return ctx.Err()
		}
		res := results[i]
		fmt.Println(res.Summary())
		if *times && res.Executed != nil {
			if tm, err := harness.CellTiming(res.Executed.Log); err == nil {
				fmt.Printf("   %s: %s\n", res.Name, tm)
			}
		}
		if *verbose && len(res.Problems) > 1 {
			for _, pr := range res.Problems[1:] {
				fmt.Println("  ", pr)
			}
		}
		if res.Executed == nil || res.Executed.Notebook == nil {
			failed++
			continue
		}
		if *accept {
			n, err := acceptOutputs(d, res.Executed.Notebook, p)
			if err != nil {
				return err
			}
			if n > 0 {
				rel, _ := filepath.Rel(root, d.Path)
				fmt.Printf("accept: %s: recorded the outputs of %d cells\n", rel, n)
				if d, err = literate.ReadFile(d.Path); err != nil {
					return err
				}
				docs[i] = d
				res.Problems = harness.Check(d, res.Executed.Notebook, harness.CheckOptions{Gen: p.GenOptions(d)})
				fmt.Println("  now:", res.Summary())
			}
		}
		merged := harness.Merge(d, p.GenOptions(d), res.Executed.Notebook)
		if err := notebook.WriteFile(res.Executed.Path, merged); err != nil {
			return err
		}
		if *write && (res.OK() || *force) {
			if edited := handEdited(p.NotebookPath(d)); len(edited) > 0 && !*force {
				rel, _ := filepath.Rel(root, p.NotebookPath(d))
				kept = append(kept, fmt.Sprintf("%s (cells %v)", rel, edited))
			} else if err := notebook.WriteFile(p.NotebookPath(d), merged); err != nil {
				return err
			}
		}
		if !res.OK() {
			failed++
		}
	}
	fmt.Printf("%d notebooks: %d OK, %d FAIL in %.1fs (executed copies in %s)\n",
		len(docs), len(docs)-failed, failed, time.Since(start).Seconds(), *out)
	switch {
	case *write && len(kept) > 0:
		fmt.Println("wrote the passing executed notebooks into notebooks/, except those changed by hand")
	case *write:
		fmt.Println("wrote the passing executed notebooks into notebooks/")
	default:
		if stale, err := genAll(p, false, false); err == nil && len(stale) > 0 {
			fmt.Printf("notebooks/ is out of sync with chapter6/ for %v: -write copies the executed notebooks there\n", stale)
		}
	}
	if failed > 0 {
		return errors.New("some notebooks failed")
	}
	if len(kept) > 0 {
		return fmt.Errorf("%w: not overwritten, changed by hand in Jupyter: %s; copy your work elsewhere, or add -force",
			errHandEdited, strings.Join(kept, ", "))
	}
	return nil
}

// selectDocs keeps the docs whose name starts with one of the prefixes (all when none).
func selectDocs(docs []*literate.Doc, prefixes []string) []*literate.Doc {
	if len(prefixes) == 0 {
		return docs
	}
	var sel []*literate.Doc
	for _, d := range docs {
		for _, pre := range prefixes {
			if strings.HasPrefix(d.Name, pre) {
				sel = append(sel, d)
				break
			}
		}
	}
	return sel
}

// acceptOutputs rewrites the expected outputs of the cells of doc that fail their check
// with the executed outputs, except cells with errors or panics (those need a fix, not a
// new expectation), and returns how many cells changed.
func acceptOutputs(doc *literate.Doc, executed *notebook.Notebook, p harness.Project) (int, error) {
	opt := harness.CheckOptions{Gen: p.GenOptions(doc)}
	failing := map[int]bool{}
	for _, pr := range harness.Check(doc, executed, opt) {
		failing[pr.Cell] = true
	}
	byID := doc.CodeByID(opt.Gen)
	index := map[*literate.Cell]int{}
	for k, c := range doc.CodeCells() {
		index[c] = k
	}
	stdout, stderr := map[int]string{}, map[int]string{}
	for i, c := range executed.Cells {
		src := byID[c.ID]
		if !failing[i+1] || c.Type != notebook.Code || src == nil {
			continue
		}
		gotOut, gotErr, ok := harness.Actual(c, opt.IgnoreStderr)
		if !ok {
			continue
		}
		k := index[src]
		stdout[k], stderr[k] = gotOut, gotErr
	}
	if len(stdout) == 0 {
		return 0, nil
	}
	if err := os.WriteFile(doc.Path, doc.UpdateOutputs(stdout, stderr), 0o644); err != nil {
		return 0, fmt.Errorf("accept: %w", err)
	}
	return len(stdout), nil
}

// projectAt returns the project layout of the checkout at root.
func projectAt(root string) harness.Project { return harness.Project{Root: root} }
