package grader

import (
	"fmt"
	"go/parser"
	"go/token"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
)

// The snapshot of a grading run (see prepared in build.go) holds what the
// builds read from the checkout: go.mod, go.sum, the reference solutions with
// their public tests, the hidden tests and the library packages they import,
// read once at the start of the run, read-only. Student processes never see it
// (they run in the sandbox with only their test binary) and the builds never
// read the live checkout, so a change to the checkout during the run, or by an
// earlier run, cannot change how a student is graded.

// hiddenRelOf is where the hidden tests of l sit relative to the module root
// (slash-separated): internal/grader/hidden unless l puts them elsewhere below root.
func hiddenRelOf(l Layout, root string) string {
	if rel, err := filepath.Rel(root, l.Hidden); err == nil && !strings.HasPrefix(rel, "..") {
		return filepath.ToSlash(rel)
	}
	return "internal/grader/hidden"
}

// walkGradingSources calls visit, in a stable order, with every Go file the
// builds of a grading run read from the checkout l (module root root): the
// files of the solution and hidden test packages, tests included, and the
// non-test files of the library packages they import, followed through the
// repository's module (the exercises module aside). rel is the file's path
// relative to the module root, slash-separated (hidden tests under
// hiddenRelOf); b is its content, read once, regular files only. The
// snapshot copies these files; the Gradescope package holds them.
func walkGradingSources(l Layout, root string, visit func(rel string, b []byte) error) error {
	hiddenRel := hiddenRelOf(l, root)
	todo := map[string]bool{}
	for _, base := range []string{l.Solutions, l.Hidden} {
		entries, err := os.ReadDir(base)
		if err != nil {
			return err
		}
		for _, e := range entries {
			if e.IsDir() {
				rel, _ := filepath.Rel(root, filepath.Join(base, e.Name()))
				todo[filepath.ToSlash(rel)] = true
			}
		}
	}
	src := func(rel string) string {
		if r, ok := strings.CutPrefix(rel, hiddenRel+"/"); ok {
			return filepath.Join(l.Hidden, r)
		}
		if r, ok := strings.CutPrefix(rel, "solutions/"); ok {
			return filepath.Join(l.Solutions, r)
		}
		return filepath.Join(root, filepath.FromSlash(rel))
	}
	done := map[string]bool{}
	for len(todo) > 0 {
		rels := make([]string, 0, len(todo))
		for k := range todo {
			rels = append(rels, k)
		}
		sort.Strings(rels)
		rel := rels[0]
		delete(todo, rel)
		done[rel] = true
		paths, _ := filepath.Glob(filepath.Join(src(rel), "*.go"))
		sort.Strings(paths)
		for _, p := range paths {
			test := strings.HasSuffix(p, "_test.go")
			if test && !strings.HasPrefix(rel, "solutions/") && !strings.HasPrefix(rel, hiddenRel+"/") {
				continue // the library's own tests are not built
			}
			b, err := readRegular(p, maxSourceBytes)
			if err != nil {
				return fmt.Errorf("%s: %w", p, err)
			}
			if err := visit(rel+"/"+filepath.Base(p), b); err != nil {
				return err
			}
			f, err := parser.ParseFile(token.NewFileSet(), p, b, parser.ImportsOnly)
			if err != nil {
				continue // the build reports it
			}
			for _, is := range f.Imports {
				ip, _ := strconv.Unquote(is.Path.Value)
				if r, ok := strings.CutPrefix(ip, RepoModule+"/"); ok && !strings.HasPrefix(r, "exercises") && !done[r] {
					todo[r] = true
				}
			}
		}
	}
	return nil
}

// makeReadOnly removes every write permission under dir.
func makeReadOnly(dir string) error {
	var dirs []string
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			dirs = append(dirs, p)
			return nil
		}
		return os.Chmod(p, 0o444)
	})
	for i := len(dirs) - 1; i >= 0 && err == nil; i-- {
		err = os.Chmod(dirs[i], 0o555)
	}
	return err
}

func copyFile(from, to string) error {
	b, err := readRegular(from, 16<<20)
	if err != nil {
		return err
	}
	return writeNew(to, b)
}

func writeNew(p string, b []byte) error {
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		return err
	}
	return os.WriteFile(p, b, 0o644)
}
