package grader

import (
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// makeClass writes n seeded submissions into dir: for every exercise file a
// student hands in the reference (65%), the untouched stub (25%) or a file
// that does not compile (10%), so that grading also takes the per-exercise
// fallback path now and then.
func makeClass(b testing.TB, l Layout, cat *Catalog, dir string, n int) {
	r := rand.New(rand.NewPCG(50, 50))
	for s := range n {
		student := filepath.Join(dir, fmt.Sprintf("student%02d", s))
		for _, sec := range cat.Sections() {
			files := cat.CodeFiles(sec)
			if err := os.MkdirAll(filepath.Join(student, sec), 0o755); err != nil {
				b.Fatal(err)
			}
			paths, _ := filepath.Glob(filepath.Join(l.Exercises, sec, "*.go"))
			for _, p := range paths {
				name := filepath.Base(p)
				if strings.HasSuffix(name, "_test.go") {
					continue
				}
				src, err := os.ReadFile(p) // stub (or given file)
				if err != nil {
					b.Fatal(err)
				}
				if files[name] != nil {
					switch x := r.Float64(); {
					case x < 0.65:
						src, err = os.ReadFile(filepath.Join(l.Solutions, sec, name))
					case x < 0.75:
						src = append(src, []byte("\nvar _ = notDefinedAnywhere\n")...)
					}
					if err != nil {
						b.Fatal(err)
					}
				}
				if err := os.WriteFile(filepath.Join(student, sec, name), src, 0o644); err != nil {
					b.Fatal(err)
				}
			}
		}
	}
}

// BenchmarkGrade50 grades a class of 50 generated submissions (all sections,
// hidden tests included) with the default parallelism. Run it alone:
//
//	go test -run '^$' -bench Grade50 -benchtime 1x ./internal/grader/
func BenchmarkGrade50(b *testing.B) {
	root, err := FindRoot(".")
	if err != nil {
		b.Fatal(err)
	}
	l := NewLayout(root)
	cat, err := LoadCatalog(l.Solutions, l.Hidden)
	if err != nil {
		b.Fatal(err)
	}
	dir := b.TempDir()
	makeClass(b, l, cat, dir, 50)
	b.ResetTimer()
	for range b.N {
		start := time.Now()
		res, err := GradeAll(context.Background(), dir, Options{Layout: l, Catalog: cat, Reference: true, Hidden: true})
		if err != nil {
			b.Fatal(err)
		}
		total := 0
		for _, r := range res {
			total += r.Score
		}
		b.ReportMetric(time.Since(start).Seconds()/float64(len(res)), "s/student")
		b.Logf("graded %d submissions in %s (mean score %.1f)", len(res), time.Since(start).Round(time.Second), float64(total)/float64(len(res)))
	}
}
