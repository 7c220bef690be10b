package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/d2l-go/d2l-go/internal/harness"
	"github.com/d2l-go/d2l-go/internal/literate"
	"github.com/d2l-go/d2l-go/internal/notebook"
)

func init() {
	register(&Command{
		Name:    "gen",
		Summary: "maintainers: generate notebooks/*.ipynb from chapter6/*.md (outputs of unchanged cells are kept; notebooks changed by hand are left alone)",
		Usage:   "[-check] [-force]",
		Run:     runGen,
	})
}

// runGen implements `d2l gen`.
func runGen(_ context.Context, args []string) error {
	c := commands["gen"]
	fs := flags(c, os.Stderr)
	check := fs.Bool("check", false, "write nothing; fail if a notebook is out of sync with its source")
	force := fs.Bool("force", false, "also overwrite notebooks whose cells were changed by hand (in Jupyter)")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("%w: unexpected arguments %q", errUsage, fs.Args())
	}
	root, err := harness.RepoRoot(".")
	if err != nil {
		return err
	}
	p := harness.Project{Root: root}
	stale, err := genAll(p, !*check, *force)
	if err != nil {
		return err
	}
	if *check && len(stale) > 0 {
		return fmt.Errorf("%d notebooks out of sync with their sources: %v (run `go run ./cmd/d2l gen`)", len(stale), stale)
	}
	return nil
}

// genAll regenerates every notebook of p (writing when write is set) and returns the names
// of those that were out of sync. It prints one line per written notebook. A notebook whose
// cells someone changed or added in Jupyter (literate.HandEdited) is not overwritten unless
// force is set: genAll then fails, naming it and its changed cells, after writing the others.
func genAll(p harness.Project, write, force bool) ([]string, error) {
	docs, err := p.Docs()
	if err != nil {
		return nil, err
	}
	var stale, kept []string
	for _, d := range docs {
		ok, err := p.InSync(d)
		if err != nil {
			return nil, err
		}
		if ok {
			continue
		}
		stale = append(stale, d.Name)
		if !write {
			continue
		}
		rel, _ := filepath.Rel(p.Root, p.NotebookPath(d))
		if edited := handEdited(p.NotebookPath(d)); len(edited) > 0 && !force {
			kept = append(kept, fmt.Sprintf("%s (cells %v)", rel, edited))
			continue
		}
		if _, err := p.WriteGenerated(d); err != nil {
			return nil, err
		}
		fmt.Printf("gen: wrote %s\n", rel)
	}
	if len(kept) > 0 {
		return stale, fmt.Errorf("%w: not overwritten, changed by hand in Jupyter: %s; copy your work elsewhere, or add -force to regenerate them anyway",
			errHandEdited, strings.Join(kept, ", "))
	}
	return stale, nil
}

// errHandEdited marks a refusal to overwrite a notebook someone changed in Jupyter.
var errHandEdited = errors.New("notebooks changed by hand")

// handEdited returns the cells of the notebook at path that were changed or added by hand
// (none when it does not exist or cannot be read: nothing to lose then).
func handEdited(path string) []int {
	nb, err := notebook.ReadFile(path)
	if err != nil {
		return nil
	}
	return literate.HandEdited(nb)
}
