package grader

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// copyTree copies the regular files of src into dst (never following links).
func copyTree(t *testing.T, src, dst string, keep func(rel string) bool) {
	t.Helper()
	require.NoError(t, filepath.WalkDir(src, func(p string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() || !d.Type().IsRegular() {
			return err
		}
		rel, _ := filepath.Rel(src, p)
		if keep != nil && !keep(rel) {
			return nil
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		out := filepath.Join(dst, rel)
		if err := os.MkdirAll(filepath.Dir(out), 0o755); err != nil {
			return err
		}
		return os.WriteFile(out, b, 0o644)
	}))
}

// treeDigest hashes every path, mode and content under dir.
func treeDigest(t *testing.T, dir string) string {
	t.Helper()
	h := sha256.New()
	require.NoError(t, filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		info, err := d.Info()
		if err != nil {
			return err
		}
		fmt.Fprintf(h, "%s %v %d\n", p, info.Mode(), info.Size())
		if d.Type().IsRegular() {
			b, err := os.ReadFile(p)
			if err != nil {
				return err
			}
			h.Write(b)
		}
		return nil
	}))
	return hex.EncodeToString(h.Sum(nil))
}

// TestAdversarial grades every submission of testdata/submissions in one
// parallel run. Each is laid over the reference code of the sections it
// touches; exercises of other sections are missing and score 0. want lists
// the exercises that must not get full marks, with their expected score, and
// notes what the report must say.
func TestAdversarial(t *testing.T) {
	if testing.Short() {
		t.Skip("builds a dozen submissions; skipped with -short")
	}
	l, cat := testLayout(t)
	cases := map[string]struct {
		want map[string]int // exercise -> score (others of the touched sections: full marks)
		says []string       // substrings expected in the feedback
	}{
		"compile_error":     {want: map[string]int{"6.3-4": 0}, says: []string{"compile error", "mirror_pad.go"}},
		"infinite_loop":     {want: map[string]int{"6.2-3b": 0}, says: []string{"timed out"}},
		"os_exit":           {want: map[string]int{"6.5-5": 0}, says: []string{"os.Exit"}},
		"goroutine_panic":   {want: map[string]int{"6.4-7": 0}, says: []string{"boom from a goroutine"}},
		"fake_pass":         {want: map[string]int{"6.1-4": 1}, says: []string{"values differ"}},
		"replace_directive": {says: []string{"replace directives"}},
		"test_file":         {want: map[string]int{"6.2-3a": 0}, says: []string{"*_test.go files of the submission ignored"}},
		"hidden_import":     {want: map[string]int{"6.3-2": 0}, says: []string{"rejected", "solutions/sec63"}},
		"os_exec":           {want: map[string]int{"6.4-1": 0}, says: []string{"rejected", "os/exec"}},
		"unsafe_import":     {want: map[string]int{"6.5-6": 0}, says: []string{"rejected", "unsafe"}},
		"naive_softmax":     {want: map[string]int{"6.5-6": 3}, says: []string{"TestHidden_SoftmaxPool"}},
		"stub_untouched":    {says: []string{"TODO"}},
		"init_exit":         {want: map[string]int{"6.1-6": 0}, says: []string{"fails as soon as its package starts"}},
		"wrong_signature":   {want: map[string]int{"6.4-2": 0}, says: []string{"built on its own"}},
		"lenet_avgpool":     {want: map[string]int{"6.6-1": 5}, says: []string{"AvgPool2d"}},
	}
	subs := t.TempDir()
	touched := map[string]map[string]bool{}
	for name := range cases {
		src := filepath.Join("testdata", "submissions", name)
		dst := filepath.Join(subs, name)
		touched[name] = map[string]bool{}
		if name == "stub_untouched" {
			copyTree(t, l.Exercises, dst, nil)
			for _, sec := range cat.Sections() {
				touched[name][sec] = true
			}
			continue
		}
		secs, _ := filepath.Glob(filepath.Join(src, "sec6*"))
		for _, s := range secs {
			sec := filepath.Base(s)
			touched[name][sec] = true
			copyTree(t, filepath.Join(l.Solutions, sec), filepath.Join(dst, sec), func(rel string) bool {
				return strings.HasSuffix(rel, ".go") && !strings.HasSuffix(rel, "_test.go")
			})
		}
		copyTree(t, src, dst, nil)
	}
	before := treeDigest(t, subs)
	start := time.Now()
	results, err := GradeAll(context.Background(), subs, Options{Layout: l, Catalog: cat, Reference: true, Hidden: true, TestTimeout: 3 * time.Second})
	require.NoError(t, err)
	t.Logf("graded %d adversarial submissions in %s", len(results), time.Since(start).Round(time.Millisecond))
	require.Len(t, results, len(cases))
	require.Equal(t, before, treeDigest(t, subs), "grading changed the submitted files")
	for _, r := range results {
		c := cases[r.Student]
		t.Run(r.Student, func(t *testing.T) {
			fb := Feedback(r)
			for _, e := range r.Exercises {
				if e.Kind == KindManual {
					continue
				}
				want := 0
				if touched[r.Student][cat.Find(e.ID).Section] && r.Student != "stub_untouched" {
					want = e.Max
				}
				if w, ok := c.want[e.ID]; ok {
					want = w
				}
				assert.Equal(t, want, e.Score, "exercise %s: %s\n%s", e.ID, e.Note, fb)
			}
			for _, s := range c.says {
				assert.Contains(t, fb, s)
			}
		})
	}
}
