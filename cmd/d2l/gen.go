package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"

	"github.com/d2l-go/d2l-go/internal/harness"
)

func init() {
	register(&Command{
		Name:    "gen",
		Summary: "generate notebooks/*.ipynb from chapter6/*.md (outputs of unchanged cells are kept)",
		Usage:   "[-check]",
		Run:     runGen,
	})
}

// runGen implements `d2l gen`.
func runGen(_ context.Context, args []string) error {
	c := commands["gen"]
	fs := flags(c, os.Stderr)
	check := fs.Bool("check", false, "write nothing; fail if a notebook is out of sync with its source")
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
	stale, err := genAll(p, !*check)
	if err != nil {
		return err
	}
	if *check && len(stale) > 0 {
		return fmt.Errorf("%d notebooks out of sync with their sources: %v (run `go run ./cmd/d2l gen`)", len(stale), stale)
	}
	return nil
}

// genAll regenerates every notebook of p (writing when write is set) and returns the names
// of those that were out of sync. It prints one line per written notebook.
func genAll(p harness.Project, write bool) ([]string, error) {
	docs, err := p.Docs()
	if err != nil {
		return nil, err
	}
	var stale []string
	for _, d := range docs {
		ok, err := p.InSync(d)
		if err != nil {
			return nil, err
		}
		if ok {
			continue
		}
		stale = append(stale, d.Name)
		if write {
			if _, err := p.WriteGenerated(d); err != nil {
				return nil, err
			}
			rel, _ := filepath.Rel(p.Root, p.NotebookPath(d))
			fmt.Printf("gen: wrote %s\n", rel)
		}
	}
	return stale, nil
}
