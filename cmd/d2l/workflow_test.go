package main

import (
	"archive/zip"
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/d2l-go/d2l-go/internal/grader"
)

// The exercises TestTAWorkflow grades: the code and manual items of 6.3.
var workflowOnly = "6.3-1,6.3-2,6.3-3,6.3-4,6.3-5"

// TestTAWorkflow runs a head TA's workflow, command by command, on a generated
// class of 30 (reference solutions in a copy of exercises/, untouched stubs,
// a file that does not compile, notebooks, flattened files with a top-level
// ANSWERS.md, zips, and three solutions of 6.3-4 written independently of
// which one is copied twice in disguise), with a roster whose submission times
// make three students late:
//
//  1. grade the class (with the late rule and the similarity check);
//  2. grade the manual item 6.3-3 by question: every answer from its page,
//     the points into manual_scores.csv, then -manual;
//  3. fix one student (a new submission) and grade only them;
//  4. re-grade one exercise for everyone (-only 6.3-4), as after fixing a test;
//  5. export to Canvas.
//
// After each step no manual score is lost, and the console, gradebook.csv,
// every feedback.md and results.json, and the Canvas export show the same
// totals.
func TestTAWorkflow(t *testing.T) {
	if testing.Short() {
		t.Skip("grades a class of 30 three times; skipped with -short")
	}
	if _, err := os.Stat("../../solutions"); err != nil {
		t.Skip("not an instructor checkout (no solutions/)")
	}
	if _, err := grader.FindSandbox(); err != nil {
		t.Skip("no bubblewrap:", err)
	}
	wd, err := os.Getwd()
	require.NoError(t, err)
	repo := filepath.Join(wd, "..", "..")
	l := grader.NewLayout(repo)
	base := t.TempDir()
	subs, out := filepath.Join(base, "subs"), filepath.Join(base, "out")
	students := makeWorkflowClass(t, l, subs)
	require.Len(t, students, 30)

	// 1. Grade the class.
	console := runD2L(t, "grade", "-submissions", subs, "-out", out, "-only", workflowOnly, "-deadline", "2026-12-01T23:59:00+08:00",
		"-late-per-day", "0.1", "-similarity")
	for _, s := range students {
		assert.Contains(t, console, s+" ", "a console line per student")
	}
	assert.Contains(t, console, "graded 30 submissions")
	assert.Contains(t, console, "0 applied, 60 still empty; 60 rows added")
	assert.FileExists(t, filepath.Join(out, "stats.md"))
	assert.FileExists(t, filepath.Join(out, "stats", "totals.png"))
	sameTotals(t, out, console, students)
	gb := gradebook(t, out)
	assert.Equal(t, "14", gb["ref01"]["total"], "full automatic marks (14), no manual score yet")
	assert.Equal(t, "16", gb["ref01"]["max"])
	assert.Equal(t, "14", gb["late01"]["auto"])
	assert.Equal(t, "2.8", gb["late01"]["late_penalty"], "two days late: 20 % of 14")
	assert.Equal(t, "0", gb["stub01"]["auto"])
	assert.Equal(t, "11", gb["broken01"]["auto"], "a file that does not compile costs only its exercise (6.3-1: 3 points)")
	for _, s := range students {
		if strings.HasPrefix(s, "ref") || strings.HasPrefix(s, "nb") && s != "nb04" || strings.HasPrefix(s, "flat") || strings.HasPrefix(s, "zip") {
			assert.Equal(t, "14", gb[s]["auto"], "%s: full automatic marks however it was handed in", s)
		}
	}
	nbFeedback := readString(t, filepath.Join(out, "nb04", "feedback.md"))
	assert.Regexp(t, `6\.3-exercises\.ipynb, cell \d+ \(6\.3-1\), line \d+`, nbFeedback, "a notebook student is told the cell and line")
	sim := readString(t, filepath.Join(out, grader.SimilarityFile))
	assert.Contains(t, sim, `| 6.3-4 | copy1 | indep\_ana |`)
	assert.Contains(t, sim, `| 6.3-4 | copy2 | indep\_ana |`)
	for _, pair := range []string{`indep\_ana | indep\_bo`, `indep\_ana | indep\_chen`, `indep\_bo | indep\_chen`} {
		assert.NotContains(t, sim, pair, "independent solutions are not reported")
	}

	// 2. Grade 6.3-3 by question: each answer on the page names its row.
	page := readString(t, filepath.Join(out, grader.ManualDir, "6.3-3.md"))
	rows := regexp.MustCompile(`### \d+\. (\S+) — manual_scores\.csv line (\d+)`).FindAllStringSubmatch(page, -1)
	require.NotEmpty(t, rows)
	scores := filepath.Join(out, grader.ManualScoresFile)
	for _, m := range rows {
		pts := "1"
		if strings.Contains(m[1], "flat") {
			pts = "0.5"
		}
		setCell(t, scores, m[2], pts, "看过了")
	}
	console = runD2L(t, "grade", "-manual", scores, "-out", out)
	assert.Contains(t, console, fmt.Sprintf("%d applied", len(rows)))
	gb = gradebook(t, out)
	assert.Equal(t, "15", gb["ref01"]["total"])
	assert.Equal(t, "12", gb["late01"]["total"], "15 earned, 20 % off")
	sameTotals(t, out, "", students)
	manualBefore := manualCells(gb)

	// 3. stub01 hands in the reference instead: grade only them.
	copyReference(t, l, filepath.Join(subs, "stub01"), "")
	console = runD2L(t, "grade", "-out", out, "-student", "stub01")
	assert.Contains(t, console, "graded 1 submissions in")
	assert.Contains(t, console, "(30 students in")
	gb = gradebook(t, out)
	assert.Equal(t, "14", gb["stub01"]["auto"])
	assert.Equal(t, manualBefore, manualCells(gb), "no manual score lost")
	assert.Equal(t, "15", gb["ref01"]["total"], "the other students are kept")
	sameTotals(t, out, console, students)

	// 4. Re-grade 6.3-4 for the class, as after fixing its test.
	console = runD2L(t, "grade", "-out", out, "-only", "6.3-4")
	assert.Contains(t, console, "graded 30 submissions")
	gb = gradebook(t, out)
	assert.Equal(t, manualBefore, manualCells(gb), "no manual score lost")
	assert.Equal(t, "11", gb["broken01"]["auto"], "6.3-1 keeps its result")
	sameTotals(t, out, console, students)

	// 5. Export to Canvas: the same totals, matched by Canvas's user IDs.
	runD2L(t, "export", "-out", out, "-lms", "canvas", "-assignment", "Chapter 6 (4711)")
	f, err := os.Open(filepath.Join(out, "canvas.csv"))
	require.NoError(t, err)
	canvas, err := csv.NewReader(f).ReadAll()
	f.Close()
	require.NoError(t, err)
	require.Len(t, canvas, 32, "header, points possible, 30 students")
	assert.Equal(t, []string{"Points Possible", "", "", "", "", "16"}, canvas[1])
	for _, row := range canvas[2:] {
		folder := strings.ToLower(strings.ReplaceAll(row[0], " ", ""))
		require.Contains(t, gb, folder)
		assert.Equal(t, gb[folder]["total"], row[5], "%s: Canvas gets the gradebook's total", folder)
		assert.NotEmpty(t, row[1], "matched by Canvas's user ID")
	}
}

// makeWorkflowClass writes the class of TestTAWorkflow and its roster.
func makeWorkflowClass(t *testing.T, l grader.Layout, subs string) []string {
	t.Helper()
	var names []string
	var roster strings.Builder
	roster.WriteString("folder,name,id,email,lms_id,submitted\n")
	add := func(name, submitted string) {
		names = append(names, name)
		fmt.Fprintf(&roster, "%s,%s,S%03d,%s@example.edu,%d,%s\n", name, strings.ToUpper(name[:1])+name[1:], len(names), name, 1000+len(names), submitted)
	}
	onTime, twoDaysLate := "2026-12-01T20:00:00+08:00", "2026-12-03T09:00:00+08:00"
	for i := 1; i <= 9; i++ {
		n := fmt.Sprintf("ref%02d", i)
		copyReference(t, l, filepath.Join(subs, n), "exercises")
		add(n, onTime)
	}
	for i := 1; i <= 3; i++ {
		n := fmt.Sprintf("late%02d", i)
		copyReference(t, l, filepath.Join(subs, n), "")
		add(n, twoDaysLate)
	}
	for i := 1; i <= 4; i++ {
		n := fmt.Sprintf("stub%02d", i)
		copyDir(t, filepath.Join(l.Exercises, "sec63"), filepath.Join(subs, n, "sec63"))
		add(n, onTime)
	}
	for i := 1; i <= 2; i++ {
		n := fmt.Sprintf("broken%02d", i)
		copyReference(t, l, filepath.Join(subs, n), "")
		require.NoError(t, os.WriteFile(filepath.Join(subs, n, "sec63", "out_shape.go"),
			[]byte("package sec63\n\nfunc ConvOutputShape(h, w, kh, kw, ph, pw, sh, sw int) (oh, ow int) {\n\treturn h, w, 0\n}\n"), 0o644))
		add(n, onTime)
	}
	for i := 1; i <= 4; i++ {
		n := fmt.Sprintf("nb%02d", i)
		writeNotebook(t, l, filepath.Join(subs, n), i == 4)
		add(n, onTime)
	}
	for i := 1; i <= 2; i++ {
		n := fmt.Sprintf("flat%02d", i)
		copyReference(t, l, filepath.Join(subs, n), "")
		flatten(t, filepath.Join(subs, n))
		add(n, onTime)
	}
	n := "zip01"
	copyReference(t, l, filepath.Join(base(subs), "zipsrc"), "exercises")
	zipDir(t, filepath.Join(base(subs), "zipsrc"), filepath.Join(subs, n, "exercises.zip"))
	add(n, onTime)
	// 6.3-4 written three ways, and one of them copied twice in disguise.
	for _, v := range []struct{ name, file string }{
		{"indep_ana", "indep_ana"}, {"indep_bo", "indep_bo"}, {"indep_chen", "indep_chen"}, {"copy1", "copy_renamed"}, {"copy2", "copy_reordered"},
	} {
		copyReference(t, l, filepath.Join(subs, v.name), "")
		b, err := os.ReadFile(filepath.Join("..", "..", "internal", "similarity", "testdata", "mirror_pad", v.file+".go.txt"))
		require.NoError(t, err)
		require.NoError(t, os.WriteFile(filepath.Join(subs, v.name, "sec63", "mirror_pad.go"), b, 0o644))
		add(v.name, onTime)
	}
	require.NoError(t, os.WriteFile(filepath.Join(subs, grader.RosterFile), []byte(roster.String()), 0o644))
	return names
}

func base(subs string) string { return filepath.Dir(subs) }

// copyReference writes the reference of sec63 (imports as in exercises/) and
// an ANSWERS.md into dir/under/sec63.
func copyReference(t *testing.T, l grader.Layout, dir, under string) {
	t.Helper()
	dst := filepath.Join(dir, under, "sec63")
	require.NoError(t, os.RemoveAll(dir))
	require.NoError(t, os.MkdirAll(dst, 0o755))
	entries, err := os.ReadDir(filepath.Join(l.Solutions, "sec63"))
	require.NoError(t, err)
	for _, e := range entries {
		if !strings.HasSuffix(e.Name(), ".go") || strings.HasSuffix(e.Name(), "_test.go") {
			continue
		}
		b, err := os.ReadFile(filepath.Join(l.Solutions, "sec63", e.Name()))
		require.NoError(t, err)
		require.NoError(t, os.WriteFile(filepath.Join(dst, e.Name()), grader.RewriteImports(b), 0o644))
	}
	answers := "## 6.3-3 x\n\n答：\n\n" + filepath.Base(dir) + "：采样率减半。\n\n## 6.3-5 y\n\n答：\n\n计算量约减少为 1/(sh·sw)。\n"
	require.NoError(t, os.WriteFile(filepath.Join(dst, grader.AnswersFile), []byte(answers), 0o644))
}

// copyDir copies the regular files of src into dst.
func copyDir(t *testing.T, src, dst string) {
	t.Helper()
	copyFiles(t, src, dst, nil)
}

// flatten moves dir/sec63/* to dir/ (files dragged into an upload one by one).
func flatten(t *testing.T, dir string) {
	t.Helper()
	entries, err := os.ReadDir(filepath.Join(dir, "sec63"))
	require.NoError(t, err)
	for _, e := range entries {
		if e.Name() == "doc.go" {
			continue
		}
		require.NoError(t, os.Rename(filepath.Join(dir, "sec63", e.Name()), filepath.Join(dir, e.Name())))
	}
	require.NoError(t, os.RemoveAll(filepath.Join(dir, "sec63")))
}

// zipDir writes the files under src into a zip at dst.
func zipDir(t *testing.T, src, dst string) {
	t.Helper()
	require.NoError(t, os.MkdirAll(filepath.Dir(dst), 0o755))
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	require.NoError(t, filepath.WalkDir(src, func(p string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, _ := filepath.Rel(src, p)
		w, err := zw.Create(filepath.ToSlash(rel))
		if err != nil {
			return err
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		_, err = w.Write(b)
		return err
	}))
	require.NoError(t, zw.Close())
	require.NoError(t, os.WriteFile(dst, buf.Bytes(), 0o644))
}

// writeNotebook writes the 6.3 exercise notebook with every solution cell
// holding the reference's code (with a panic in 6.3-1 when broken) and the
// answer cells filled in.
func writeNotebook(t *testing.T, l grader.Layout, dir string, broken bool) {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(l.Notebooks, "6.3-exercises.ipynb"))
	require.NoError(t, err)
	var nb map[string]any
	require.NoError(t, json.Unmarshal(b, &nb))
	for _, c := range nb["cells"].([]any) {
		cell := c.(map[string]any)
		meta, _ := cell["metadata"].(map[string]any)
		d, _ := meta["d2l"].(map[string]any)
		switch {
		case d["role"] == "solution":
			src, err := os.ReadFile(filepath.Join(l.Solutions, "sec63", d["file"].(string)))
			require.NoError(t, err)
			body := strings.SplitN(string(grader.RewriteImports(src)), "\n", 2)[1]
			if broken && d["exercise"] == "6.3-1" {
				body = strings.Replace(body, "// BEGIN SOLUTION", "var none []int\n\t_ = none[h]", 1)
			}
			cell["source"] = body
		case d["role"] == "answer":
			cell["source"] = "**答：**\n\n" + filepath.Base(dir) + " 的答案。"
		}
	}
	b, err = json.MarshalIndent(nb, "", " ")
	require.NoError(t, err)
	require.NoError(t, os.MkdirAll(dir, 0o755))
	require.NoError(t, os.WriteFile(filepath.Join(dir, "6.3-exercises.ipynb"), b, 0o644))
}

// runD2L runs a d2l command as the CLI does and returns what it printed; it fails
// the test unless the command succeeds.
func runD2L(t *testing.T, args ...string) string {
	t.Helper()
	start := time.Now()
	var stderr bytes.Buffer
	code := 0
	out, _ := captureStdout(func() error {
		code = run(context.Background(), args, &stderr)
		return nil
	})
	t.Logf("d2l %s (%s):\n%s%s", strings.Join(args, " "), time.Since(start).Round(time.Millisecond), lastLines(out, 8), stderr.String())
	require.Equal(t, 0, code, "d2l %s:\n%s\n%s", strings.Join(args, " "), out, stderr.String())
	return out
}

func lastLines(s string, n int) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	if len(lines) > n {
		lines = append([]string{"…"}, lines[len(lines)-n:]...)
	}
	return strings.Join(lines, "\n") + "\n"
}

func readString(t *testing.T, p string) string {
	t.Helper()
	b, err := os.ReadFile(p)
	require.NoError(t, err)
	return string(b)
}

// gradebook reads OUT/gradebook.csv by student (the row of maxima under "").
func gradebook(t *testing.T, out string) map[string]map[string]string {
	t.Helper()
	f, err := os.Open(filepath.Join(out, grader.GradebookFile))
	require.NoError(t, err)
	defer f.Close()
	all, err := csv.NewReader(f).ReadAll()
	require.NoError(t, err)
	rows := map[string]map[string]string{}
	for _, rec := range all[1:] {
		m := map[string]string{}
		for i, h := range all[0] {
			m[h] = rec[i]
		}
		rows[rec[0]] = m
	}
	return rows
}

// manualCells are the manual items' cells of a gradebook, by student.
func manualCells(gb map[string]map[string]string) map[string]string {
	out := map[string]string{}
	for s, row := range gb {
		out[s] = row["6.3-3 (manual)"] + "|" + row["6.3-5 (manual)"] + "|" + row["manual"]
	}
	return out
}

// setCell sets the points and comment of the row at a line of manual_scores.csv.
func setCell(t *testing.T, path, line, pts, comment string) {
	t.Helper()
	b, err := os.ReadFile(path)
	require.NoError(t, err)
	lines := strings.Split(string(b), "\n")
	var n int
	_, err = fmt.Sscan(line, &n)
	require.NoError(t, err)
	rec, err := csv.NewReader(strings.NewReader(lines[n-1])).Read()
	require.NoError(t, err)
	rec[3], rec[4] = pts, comment // student,exercise,max,points,comment,answer,answer_id
	var sb strings.Builder
	w := csv.NewWriter(&sb)
	require.NoError(t, w.Write(rec))
	w.Flush()
	lines[n-1] = strings.TrimSuffix(sb.String(), "\n")
	require.NoError(t, os.WriteFile(path, []byte(strings.Join(lines, "\n")), 0o644))
}

// sameTotals checks that every report shows each student's gradebook total:
// the console line (when the student was graded in this run), feedback.md's
// table and results.json's summary.
func sameTotals(t *testing.T, out, console string, students []string) {
	t.Helper()
	gb := gradebook(t, out)
	max := gb[""]["total"]
	for _, s := range students {
		row := gb[s]
		require.NotNil(t, row, s)
		total := row["total"]
		assert.Equal(t, max, row["max"], s)
		fb := readString(t, filepath.Join(out, s, "feedback.md"))
		assert.Contains(t, fb, fmt.Sprintf("| **总分 / total** | **%s** | **%s** |", total, max), "%s: feedback.md", s)
		assert.Contains(t, fb, fmt.Sprintf("| 自动评分 / automatic (tests) | %s |", row["auto"]), "%s: feedback.md", s)
		if console != "" {
			if line := regexp.MustCompile(`(?m)^` + s + ` .*$`).FindString(console); line != "" {
				assert.Contains(t, line, fmt.Sprintf("total %s/%s", total, max), "%s: console", s)
			}
		}
		var g grader.Gradescope
		require.NoError(t, json.Unmarshal([]byte(readString(t, filepath.Join(out, s, "results.json"))), &g))
		assert.Equal(t, row["auto"], fmt.Sprint(g.Score), "%s: results.json's score is the tests' points", s)
		if row["manual"] != "0" || row["late_penalty"] != "" {
			assert.Contains(t, g.Output, fmt.Sprintf("total %s/%s", total, max), "%s: results.json", s)
		}
	}
}
