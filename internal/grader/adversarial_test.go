package grader

import (
	"context"
	"crypto/sha256"
	"encoding/csv"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
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
		want  map[string]int // exercise -> score (others of the touched sections: full marks)
		says  []string       // substrings expected in the feedback
		stubs bool           // laid over the stubs of its sections, not the reference: every exercise 0
	}{
		"compile_error":     {want: map[string]int{"6.3-4": 0}, says: []string{"compile error", "mirror_pad.go"}},
		"infinite_loop":     {want: map[string]int{"6.2-3b": 0}, says: []string{"timed out"}},
		"os_exit":           {want: map[string]int{"6.5-5": 0}, says: []string{"rejected", `import "os" is not allowed`}},
		"goroutine_panic":   {want: map[string]int{"6.4-7": 0}, says: []string{"boom from a goroutine"}},
		"fake_pass":         {want: map[string]int{"6.1-4": 1}, says: []string{"values differ"}},
		"replace_directive": {says: []string{"replace directives"}},
		"test_file":         {want: map[string]int{"6.2-3a": 0}, says: []string{"ignored: sec62/im2col_test.go (tests always come from the grader"}},
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
		"manual":              {}, // named like the grader's own folders and files in the output
		"catalog.json":        {},
		// issue 20: each scores what its honest equivalent scores (stubs: 0; the
		// plain control forbid_plain: 0 where it breaks a rule)
		"tests_state":       {stubs: true, says: []string{"sec66 did not compile as a whole"}},
		"tests_state_own":   {stubs: true},
		"forbid_plain":      {want: map[string]int{"6.5-1": 0, "6.5-2": 0, "6.5-5": 0}, says: []string{"uses grid.Pool2D, which exercise 6.5-1 does not allow", "uses max, which exercise 6.5-2", "uses min, which exercise 6.5-5"}},
		"forbid_dot_import": {want: map[string]int{"6.5-1": 0, "6.5-2": 0, "6.5-5": 0}, says: []string{"uses grid.Pool2D", "uses math.Max", "uses math.Min"}},
		"forbid_shadow":     {want: map[string]int{"6.5-1": 0, "6.5-2": 0, "6.5-5": 0}, says: []string{"uses grid.Pool2D", "uses max", "uses min"}},
		"forbid_helper":     {want: map[string]int{"6.5-1": 0, "6.5-2": 0, "6.5-5": 0}, says: []string{"reached through MinPool2D → least", "reached through AvgPoolViaCorr → pooled"}},
		"build_bomb":        {want: map[string]int{"6.1-6": 0}, says: []string{"sec61 did not build: the build used more than 2048 MiB of memory", "6.1-6 卷积的交换律 — 0 / 5"}},
		"thread_bomb":       {want: map[string]int{"6.1-4": 0}},
		"lenet_standin":     {want: map[string]int{"6.6-1": 0, "6.6-2a": 0, "6.6-2b": 0, "6.6-2c": 0}, says: []string{"layer types", "[in channels, out channels, kernel size, padding]"}},
		"hidden_directives": {want: map[string]int{"6.3-2": 0, "6.3-4": 0}, says: []string{"strided.go:1: directive \"//go:linkname\" is not allowed", "mirror_pad.go:3: directive \"//go:linkname\""}},
		"answer_forge":      {},
		"huge_expression":   {want: map[string]int{"6.3-1": 0}, says: []string{"rejected", "out_shape.go does not parse"}},
		csvName:             {},
		"names_symlink":     {says: []string{`symbolic link ignored`}},
		// honest students graded beside the attackers, in parallel
		"honest_1": {},
		"honest_2": {},
	}
	made := map[string][]string{ // made here: sections of reference code
		".dotted": {"sec63"}, "gradebook.csv": {"sec63"}, "manual": {"sec63"}, "catalog.json": {"sec63"}, "special_files": {"sec61"}, "odd name; $(rm -rf)": {"sec65"},
		"huge_expression": {"sec63"}, csvName: {"sec63"}, "names_symlink": {"sec61"}, "hidden_directives": {"sec63"},
		"honest_1": cat.Sections(), "honest_2": cat.Sections(),
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
			base := l.Solutions
			if cases[name].stubs {
				base = l.Exercises
			}
			copyTree(t, filepath.Join(base, sec), filepath.Join(dst, sec), func(rel string) bool {
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
	// huge_expression: a file go/parser cannot parse (a 100 001-term expression)
	var expr strings.Builder
	expr.WriteString("package sec63\n\nfunc ConvOutputShape(h, w, kh, kw, ph, pw, sh, sw int) (oh, ow int) {\n\tx := 0")
	for range 100_001 {
		expr.WriteString("+1")
	}
	expr.WriteString("\n\treturn (h+2*ph-kh)/sh + 1 + x - x, (w+2*pw-kw)/sw + 1\n}\n")
	require.NoError(t, os.WriteFile(filepath.Join(subs, "huge_expression", "sec63", "out_shape.go"), []byte(expr.String()), 0o644))
	// hidden_directives: a byte order mark before //go:linkname on line 1, and a
	// //go:linkname in a file with CRLF line endings, hid them from a line scan.
	require.NoError(t, os.WriteFile(filepath.Join(subs, "hidden_directives", "sec63", "strided.go"), []byte("\ufeff//go:linkname corr2d github.com/d2l-go/d2l-go/exercises/grid.Corr2D\n"+
		"package sec63\n\nfunc Corr2DPadStride(X, K [][]float32, ph, pw, sh, sw int) [][]float32 { return corr2d(X, K) }\n\nfunc corr2d(X, K [][]float32) [][]float32\n"), 0o644))
	require.NoError(t, os.WriteFile(filepath.Join(subs, "hidden_directives", "sec63", "mirror_pad.go"), []byte("package sec63\r\n\r\n"+
		"//go:linkname pad github.com/d2l-go/d2l-go/exercises/grid.Zeros\r\nfunc pad(h, w int) [][]float32\r\n\r\n"+
		"func MirrorPad1D(x []float32, p int) []float32 { return x }\r\n\r\nfunc MirrorPad2D(X [][]float32, p int) [][]float32 { return pad(len(X)+2*p, len(X[0])+2*p) }\r\n"), 0o644))
	// names_symlink: a symbolic link whose name writes a heading and a fake score into feedback.md
	require.NoError(t, os.Symlink("conv1d.go", filepath.Join(subs, "names_symlink", "sec61", forgedName)))

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
	cacheBefore := cacheFiles(t, DefaultCacheDir())
	results, err := GradeAll(context.Background(), subs, Options{Layout: l, Catalog: cat, Reference: true, Hidden: true, TestTimeout: 3 * time.Second, Jobs: 3})
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
				if touched[r.Student][cat.Find(e.ID).Section] && r.Student != "stub_untouched" && !c.stubs {
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
			assertOnlyQuoted(t, fb, "FORGED", "<!--", forgedHeading)
		})
	}
	// The build bomb and the others left nothing big in the trusted cache, and
	// no submission's cache clone is left.
	for p, size := range cacheFiles(t, DefaultCacheDir()) {
		if _, old := cacheBefore[p]; !old {
			assert.Less(t, size, int64(64<<20), "a large file appeared in the grader's cache: %s", p)
			assert.NotContains(t, p, string(filepath.Separator)+"clones"+string(filepath.Separator), "a cache clone is left: %s", p)
		}
	}
	checkCSVs(t, out, cat)
	// The pages for grading by question and the statistics show what students
	// wrote only as text: answers in fenced blocks, names escaped; stats.md
	// holds no student text at all.
	pages, err := filepath.Glob(filepath.Join(out, ManualDir, "*.md"))
	require.NoError(t, err)
	require.NotEmpty(t, pages)
	for _, p := range pages {
		b, err := os.ReadFile(p)
		require.NoError(t, err)
		assertOnlyQuoted(t, string(b), "FORGED", "<!--", forgedHeading)
	}
	stats, err := os.ReadFile(filepath.Join(out, StatsFile))
	require.NoError(t, err)
	for _, bad := range []string{"FORGED", "HYPERLINK", "answer_forge", "honest_1"} {
		assert.NotContains(t, string(stats), bad)
	}
	// The reports: a row per folder, nothing hidden or instructor-side shown.
	gbf, err := os.Open(filepath.Join(out, GradebookFile))
	require.NoError(t, err)
	gbRows, err := csv.NewReader(gbf).ReadAll()
	gbf.Close()
	require.NoError(t, err)
	rowOf := map[string]bool{}
	for _, row := range gbRows[1:] {
		rowOf[csvUncell(row[0])] = true
	}
	for name := range cases {
		assert.True(t, rowOf[DisplayName(name)], "no gradebook row for %q", name)
	}
	assert.True(t, rowOf["linked"])
	assert.FileExists(t, filepath.Join(out, ReportDir("gradebook.csv"), "feedback.md"))
	assert.NotEqual(t, "gradebook.csv", ReportDir("gradebook.csv"))
	for _, name := range []string{"manual", "catalog.json"} {
		assert.NotEqual(t, name, ReportDir(name))
		assert.FileExists(t, filepath.Join(out, ReportDir(name), "feedback.md"))
	}
	_, err = ReadClassCatalog(out)
	assert.NoError(t, err, "the class's catalog is intact")
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

// csvName is a student folder that a spreadsheet would read as a formula.
const csvName = `=HYPERLINK("example.invalid","click")` // no slash: one folder name

// forgedHeading and forgedName: a file name that, shown as it is in a note,
// writes a heading and a fake score into feedback.md.
const (
	forgedHeading = "## 6.1-4 音频的卷积层 — full marks"
	forgedName    = "x.go\n\n" + forgedHeading + "\n\nautomatic: **5 of 5**\n" // no slash: it is one file name
)

// cacheFiles lists the files under the grader's cache folder with their sizes.
func cacheFiles(t *testing.T, dir string) map[string]int64 {
	t.Helper()
	files := map[string]int64{}
	_ = filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err == nil && d.Type().IsRegular() {
			if info, err := d.Info(); err == nil {
				files[p] = info.Size()
			}
		}
		return nil
	})
	return files
}

// assertOnlyQuoted fails if any of the markers appears in the Markdown md
// outside a fenced code block (where nothing renders), or at the start of a
// line outside one.
func assertOnlyQuoted(t *testing.T, md string, markers ...string) {
	t.Helper()
	fence := ""
	for i, line := range strings.Split(md, "\n") {
		t0 := strings.TrimLeft(strings.TrimPrefix(strings.TrimSpace(line), ">"), " ")
		if fence == "" {
			if strings.HasPrefix(t0, "```") {
				fence = t0[:len(t0)-len(strings.TrimLeft(t0, "`"))]
				continue
			}
			for _, m := range markers {
				assert.NotContains(t, line, m, "line %d renders student text outside a fenced block:\n%s", i+1, md)
			}
			assert.NotContains(t, line, "\r", "line %d holds a carriage return", i+1)
			continue
		}
		if strings.TrimRight(t0, "`") == "" && len(t0) >= len(fence) {
			fence = ""
		}
	}
	assert.Empty(t, fence, "a fenced block is not closed")
}

// checkCSVs: no cell of gradebook.csv or manual_scores.csv starts like a
// spreadsheet formula, names hold no control character, and manual scores
// merge for the student whose name looks like a formula.
func checkCSVs(t *testing.T, out string, cat *Catalog) {
	t.Helper()
	for _, name := range []string{GradebookFile, ManualScoresFile} {
		f, err := os.Open(filepath.Join(out, name))
		require.NoError(t, err)
		rows, err := csv.NewReader(f).ReadAll()
		f.Close()
		require.NoError(t, err)
		for _, row := range rows[1:] {
			for _, cell := range row {
				if cell != "" {
					assert.NotContains(t, "=+-@\t\r", cell[:1], "%s: cell %q starts like a formula", name, cell)
				}
				assert.False(t, strings.ContainsAny(cell, "\n\r\x1b"), "%s: cell %q holds a control character", name, cell)
			}
		}
	}
	// The teacher scores the formula-named student's first manual item.
	var item string
	for _, e := range cat.Exercises {
		if e.Kind == KindManual && e.Section == "sec63" {
			item = e.ID
			break
		}
	}
	scores := filepath.Join(t.TempDir(), "scores.csv")
	var sb strings.Builder
	w := csv.NewWriter(&sb)
	require.NoError(t, w.WriteAll([][]string{{"student", "exercise", "points", "comment"}, {studentCell(csvName), item, "1", "good"}}))
	require.NoError(t, os.WriteFile(scores, []byte(sb.String()), 0o644))
	_, err := ApplyManualScores(out, scores)
	require.NoError(t, err)
	b, err := os.ReadFile(filepath.Join(out, ReportDir(csvName), "results.json"))
	require.NoError(t, err)
	assert.Contains(t, string(b), "good")
}

// TestFeedbackOracle: a MinPool2D that computes no minimum but returns, for
// each output shape, the last matrix the feedback showed it, regraded four
// times with everything the feedback revealed, learns the public tests (the
// student has them) and never the hidden one: a hidden test's feedback shows
// what it checks and where the first difference is, never a value, in
// feedback.md as in results.json.
func TestFeedbackOracle(t *testing.T) {
	if testing.Short() {
		t.Skip("grades a submission four times; skipped with -short")
	}
	l, cat := testLayout(t)
	table := map[[2]int]string{} // output shape -> Go literal of a matrix the feedback showed
	wantRE := regexp.MustCompile(`want: (\[\[[-0-9.e+ \[\]]*\]\])`)
	publicPassed := false
	for round := range 4 {
		dir := filepath.Join(t.TempDir(), "oracle")
		copyTree(t, filepath.Join(l.Solutions, "sec65"), filepath.Join(dir, "sec65"), func(rel string) bool {
			return strings.HasSuffix(rel, ".go") && !strings.HasSuffix(rel, "_test.go")
		})
		var cases strings.Builder
		for shape, lit := range table {
			fmt.Fprintf(&cases, "\tcase [2]int{%d, %d}:\n\t\treturn %s\n", shape[0], shape[1], lit)
		}
		src := "package sec65\n\n// MinPool2D looks its answer up.\nfunc MinPool2D(X [][]float32, ph, pw int) [][]float32 {\n\th, w := len(X)-ph+1, len(X[0])-pw+1\n\tswitch [2]int{h, w} {\n" +
			cases.String() + "\t}\n\tY := make([][]float32, h)\n\tfor i := range Y {\n\t\tY[i] = make([]float32, w)\n\t}\n\treturn Y\n}\n"
		require.NoError(t, os.WriteFile(filepath.Join(dir, "sec65", "min_pool.go"), []byte(src), 0o644))
		sub, err := LoadSubmission(dir, cat)
		require.NoError(t, err)
		res, err := GradeSubmission(context.Background(), sub, Options{Layout: l, Catalog: cat, Reference: true, Hidden: true, Only: []string{"6.5-5"}})
		require.NoError(t, err)
		fb := Feedback(res)
		gs, err := json.Marshal(ToGradescope(res))
		require.NoError(t, err)
		for _, tr := range res.Exercises[0].Tests {
			if !tr.Hidden {
				publicPassed = publicPassed || tr.Passed
				for _, m := range wantRE.FindAllStringSubmatch(tr.Output, -1) {
					rows := strings.Split(strings.Trim(m[1], "[]"), "] [")
					lit := "[][]float32{"
					for _, r := range rows {
						lit += "{" + strings.Join(strings.Fields(r), ", ") + "}, "
					}
					table[[2]int{len(rows), len(strings.Fields(rows[0]))}] = lit + "}"
				}
				continue
			}
			assert.False(t, tr.Passed, "round %d: the lookup table passed the hidden test", round)
			assert.Contains(t, tr.Output, "compares with the reference on random inputs", "the hidden test says what it checks")
			assert.Contains(t, tr.Output, "the values differ first at [", "and where the first difference is")
			for _, shown := range []string{tr.Output, fb, string(gs)} {
				hidden := shown
				if i := strings.Index(shown, tr.Name); i >= 0 {
					hidden = shown[i:]
				}
				assert.NotRegexp(t, `\d\.\d|want:|got:`, hidden, "round %d: the hidden test's feedback shows a value", round)
			}
		}
		t.Logf("round %d: %d / %d; the lookup table knows %d matrices", round, res.Score, res.Max, len(table))
	}
	assert.True(t, publicPassed, "the lookup table never learned the public test: the attack was not tried")
}
