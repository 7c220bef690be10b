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

// snapshot is a read-only copy of what the builds of one grading run read
// from the checkout: go.mod, go.sum, the reference solutions with their
// public tests, the hidden tests and the library packages they import.
type snapshot struct {
	Layout Layout // Root, Solutions and Hidden point into the copy
	dir    string
}

// takeSnapshot copies, once, at the start of a run, everything the builds
// need out of the checkout l into a new folder under tmp, and makes it
// read-only. Student processes never see it (they run in the sandbox with
// only their test binary) and the builds never read the live checkout, so a
// change to the checkout during the run, or by an earlier run, cannot change
// how a student is graded.
func takeSnapshot(l Layout, tmp string) (*snapshot, error) {
	root, err := filepath.Abs(l.Root)
	if err != nil {
		return nil, fmt.Errorf("grader.takeSnapshot: %w", err)
	}
	dir, err := os.MkdirTemp(tmp, "d2l-snapshot-")
	if err != nil {
		return nil, fmt.Errorf("grader.takeSnapshot: %w", err)
	}
	s := &snapshot{dir: dir, Layout: NewLayout(dir)}
	s.Layout.Exercises, s.Layout.Notebooks = l.Exercises, l.Notebooks
	fail := func(err error) (*snapshot, error) {
		s.Remove()
		return nil, fmt.Errorf("grader.takeSnapshot: %w", err)
	}
	for _, f := range []string{"go.mod", "go.sum"} {
		if err := copyFile(filepath.Join(root, f), filepath.Join(dir, f)); err != nil {
			return fail(err)
		}
	}
	// Start from the solution and hidden test packages; follow imports of the
	// repository's module to the library packages they use.
	todo := map[string]bool{}
	hiddenRel := "internal/grader/hidden"
	if rel, err := filepath.Rel(root, l.Hidden); err == nil && !strings.HasPrefix(rel, "..") {
		hiddenRel = filepath.ToSlash(rel)
	}
	for _, base := range []string{l.Solutions, l.Hidden} {
		entries, err := os.ReadDir(base)
		if err != nil {
			return fail(err)
		}
		for _, e := range entries {
			if e.IsDir() {
				rel, _ := filepath.Rel(root, filepath.Join(base, e.Name()))
				todo[filepath.ToSlash(rel)] = true
			}
		}
	}
	src := func(rel string) string {
		if strings.HasPrefix(rel, hiddenRel+"/") {
			return filepath.Join(l.Hidden, strings.TrimPrefix(rel, hiddenRel+"/"))
		}
		if strings.HasPrefix(rel, "solutions/") {
			return filepath.Join(l.Solutions, strings.TrimPrefix(rel, "solutions/"))
		}
		return filepath.Join(root, filepath.FromSlash(rel))
	}
	dst := func(rel string) string {
		if strings.HasPrefix(rel, hiddenRel+"/") {
			return filepath.Join(s.Layout.Hidden, strings.TrimPrefix(rel, hiddenRel+"/"))
		}
		return filepath.Join(dir, filepath.FromSlash(rel))
	}
	done := map[string]bool{}
	for len(todo) > 0 {
		var rel string
		for k := range todo {
			rel = k
			break
		}
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
				return fail(err)
			}
			if err := writeNew(filepath.Join(dst(rel), filepath.Base(p)), b); err != nil {
				return fail(err)
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
	if err := makeReadOnly(dir); err != nil {
		return fail(err)
	}
	return s, nil
}

// Remove deletes the snapshot.
func (s *snapshot) Remove() {
	_ = filepath.WalkDir(s.dir, func(p string, d fs.DirEntry, err error) error {
		if err == nil && d.IsDir() {
			_ = os.Chmod(p, 0o755)
		}
		return nil
	})
	_ = os.RemoveAll(s.dir)
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
