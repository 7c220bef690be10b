package grader

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"syscall"
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

// TestAdversarial grades every submission of testdata/submissions, with a
// few folders made on the spot (a symbolic link, a dot-named folder, one
// named like the gradebook, one with a FIFO and a symbolic link among its
// files, an odd name), as one class in one run, writes the reports, and
// checks every expected score, that every folder has a gradebook row, and
// that nothing else changed: the submissions, the checkout's solutions and
// hidden tests, and no report shows a hidden test file or an instructor path.
// Each submission is laid over the reference code of the sections it
// touches; exercises of other sections are missing and score 0. want lists
// the exercises that must not get full marks, with their expected score.
func TestAdversarial(t *testing.T) {
	if testing.Short() {
		t.Skip("builds a few dozen submissions; skipped with -short")
	}
	l, cat := testLayout(t)
	cases := map[string]struct {
		want map[string]int // exercise -> score (others of the touched sections: full marks)
		says []string       // substrings expected in the feedback
	}{
		"compile_error":     {want: map[string]int{"6.3-4": 0}, says: []string{"compile error", "mirror_pad.go"}},
		"infinite_loop":     {want: map[string]int{"6.2-3b": 0}, says: []string{"timed out"}},
		"os_exit":           {want: map[string]int{"6.5-5": 0}, says: []string{"rejected", `import "os" is not allowed`}},
		"goroutine_panic":   {want: map[string]int{"6.4-7": 0}, says: []string{"boom from a goroutine"}},
		"fake_pass":         {want: map[string]int{"6.1-4": 1}, says: []string{"values differ"}},
		"replace_directive": {says: []string{"replace directives"}},
		"test_file":         {want: map[string]int{"6.2-3a": 0}, says: []string{"*_test.go files of the submission ignored"}},
		"hidden_import":     {want: map[string]int{"6.3-2": 0}, says: []string{"rejected", "solutions/sec63"}},
		"os_exec":           {want: map[string]int{"6.4-1": 0}, says: []string{"rejected", "os/exec"}},
		"unsafe_import":     {want: map[string]int{"6.5-6": 0}, says: []string{"rejected", "unsafe"}},
		"naive_softmax":     {want: map[string]int{"6.5-6": 1}, says: []string{"TestSoftmaxPool2D_Limits", "TestHidden_SoftmaxPool"}},
		"stub_untouched":    {says: []string{"TODO"}},
		"init_exit":         {want: map[string]int{"6.1-6": 0}, says: []string{"rejected", `import "os" is not allowed`}},
		"wrong_signature":   {want: map[string]int{"6.4-2": 0}, says: []string{"built on its own"}},
		"lenet_avgpool":     {want: map[string]int{"6.6-1": 0}, says: []string{"layer types"}},
		// issue 9: forged results, skipped tests
		"forge_nonce": {want: map[string]int{"6.1-4": 0}, says: []string{"rejected", `import "os" is not allowed`}},
		"flag_skip":   {want: map[string]int{"6.2-3b": 0}, says: []string{"rejected", `import "flag" is not allowed`}},
		"print_forge": {want: map[string]int{"6.3-4": 0}},
		"linkname":    {want: map[string]int{"6.3-1": 0}, says: []string{"rejected", "//go:linkname"}},
		// exfiltration by file read and by embed; files through d2l's helpers
		"read_hidden":  {want: map[string]int{"6.4-1": 0}, says: []string{"rejected"}},
		"embed_hidden": {want: map[string]int{"6.4-1": 0}, says: []string{"rejected", "//go:embed"}},
		"d2l_files":    {want: map[string]int{"6.6-1": 0}, says: []string{"rejected", "d2l.LoadDataFashionMNIST is not allowed"}},
		// tampering with other students, the outputs, the checkout; killing the grader
		"tamper_others":   {want: map[string]int{"6.5-1": 0}, says: []string{"rejected"}},
		"kill_grader":     {want: map[string]int{"6.5-5": 0}, says: []string{"rejected"}},
		"tamper_checkout": {want: map[string]int{"6.1-6": 0}, says: []string{"rejected", `import "io/fs" is not allowed`}},
		// resource abuse; a hidden test's input changed by the student's code
		"memory_bomb":  {want: map[string]int{"6.1-6": 0}, says: []string{"out of memory"}},
		"output_flood": {want: map[string]int{"6.2-3a": 0}, says: []string{"output cut"}},
		"mutate_input": {want: map[string]int{"6.2-1": 4}, says: []string{"TestHidden_DiagonalEdge"}},
		// special files and odd names (made below)
		".dotted":             {},
		"gradebook.csv":       {},
		"special_files":       {want: map[string]int{"6.1-4": 0, "6.1-6": 0}, says: []string{"named pipe", "symbolic link ignored"}},
		"odd name; $(rm -rf)": {},
	}
	made := map[string][]string{ // made here: sections of reference code
		".dotted": {"sec63"}, "gradebook.csv": {"sec63"}, "special_files": {"sec61"}, "odd name; $(rm -rf)": {"sec65"},
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
		secs := made[name]
		if secs == nil {
			paths, _ := filepath.Glob(filepath.Join(src, "sec6*"))
			for _, p := range paths {
				secs = append(secs, filepath.Base(p))
			}
		}
		for _, sec := range secs {
			touched[name][sec] = true
			copyTree(t, filepath.Join(l.Solutions, sec), filepath.Join(dst, sec), func(rel string) bool {
				return strings.HasSuffix(rel, ".go") && !strings.HasSuffix(rel, "_test.go")
			})
		}
		if made[name] == nil {
			copyTree(t, src, dst, nil)
		}
	}
	// special_files: conv1d.go is a FIFO (reading it would hang), convolve.go a
	// symbolic link to another student's file.
	sp := filepath.Join(subs, "special_files", "sec61")
	require.NoError(t, os.Remove(filepath.Join(sp, "conv1d.go")))
	require.NoError(t, syscall.Mkfifo(filepath.Join(sp, "conv1d.go"), 0o644))
	require.NoError(t, os.Remove(filepath.Join(sp, "convolve.go")))
	require.NoError(t, os.Symlink(filepath.Join(subs, "fake_pass", "sec61", "convolve.go"), filepath.Join(sp, "convolve.go")))
	// a student folder that is a symbolic link to another student's
	require.NoError(t, os.Symlink(filepath.Join(subs, "naive_softmax"), filepath.Join(subs, "linked")))

	before := treeDigest(t, subs)
	checkout := map[string]string{}
	for _, d := range []string{l.Solutions, l.Hidden, filepath.Join(l.Root, "go.mod"), filepath.Join(l.Root, "go.sum")} {
		checkout[d] = treeDigest(t, d)
	}
	out := filepath.Join(t.TempDir(), "out")
	require.Error(t, CheckFolders(subs, filepath.Join(subs, "reports")), "-out inside -submissions")
	require.Error(t, CheckFolders(subs, filepath.Dir(subs)), "-submissions inside -out")
	require.NoError(t, CheckFolders(subs, out))
	start := time.Now()
	results, err := GradeAll(context.Background(), subs, Options{Layout: l, Catalog: cat, Reference: true, Hidden: true, TestTimeout: 3 * time.Second})
	require.NoError(t, err)
	t.Logf("graded %d adversarial submissions in %s", len(results), time.Since(start).Round(time.Millisecond))
	require.NoError(t, WriteReports(out, cat, results))
	require.Len(t, results, len(cases)+1, "one gradebook row per folder")
	require.Equal(t, before, treeDigest(t, subs), "grading changed the submitted files")
	for d, h := range checkout {
		require.Equal(t, h, treeDigest(t, d), "grading changed the checkout's %s", d)
	}
	for _, r := range results {
		if r.Student == "linked" {
			assert.Contains(t, r.NotGraded, "symbolic link")
			assert.Zero(t, r.Score)
			continue
		}
		c, ok := cases[r.Student]
		require.True(t, ok, "unexpected student %q", r.Student)
		t.Run(r.Student, func(t *testing.T) {
			assert.Empty(t, r.NotGraded)
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
	// The reports: a row per folder, nothing hidden or instructor-side shown.
	gb, err := os.ReadFile(filepath.Join(out, GradebookFile))
	require.NoError(t, err)
	for name := range cases {
		assert.Contains(t, string(gb), name, "gradebook row")
	}
	assert.Contains(t, string(gb), "linked")
	assert.FileExists(t, filepath.Join(out, ReportDir("gradebook.csv"), "feedback.md"))
	assert.NotEqual(t, "gradebook.csv", ReportDir("gradebook.csv"))
	require.NoError(t, filepath.WalkDir(out, func(p string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := os.ReadFile(p)
		require.NoError(t, err)
		for _, bad := range []string{"_hidden_test.go", l.Root, subs, "LOOT:"} {
			assert.NotContains(t, string(b), bad, "%s shows %q", p, bad)
		}
		return nil
	}))
}
