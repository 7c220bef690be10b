package grader

import (
	"context"
	"encoding/csv"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// manualItems are the manual items these tests grade: grading them builds nothing.
var manualItems = []string{"6.3-3", "6.3-5"}

// gradeAnswers grades, without building anything, a student whose
// sec63/ANSWERS.md holds the given answers.
func gradeAnswers(t *testing.T, l Layout, cat *Catalog, name string, answers map[string]string) *StudentResult {
	t.Helper()
	dir := filepath.Join(t.TempDir(), name)
	require.NoError(t, os.MkdirAll(filepath.Join(dir, "sec63"), 0o755))
	var md strings.Builder
	for _, id := range manualItems {
		md.WriteString("## " + id + " question\n\n答：\n\n" + answers[id] + "\n\n")
	}
	require.NoError(t, os.WriteFile(filepath.Join(dir, "sec63", AnswersFile), []byte(md.String()), 0o644))
	sub, err := LoadSubmission(dir, cat)
	require.NoError(t, err)
	res, err := GradeSubmission(context.Background(), sub, Options{Layout: l, Catalog: cat, Reference: true, NoSandbox: true, Only: manualItems})
	require.NoError(t, err)
	return res
}

// csvRows reads a CSV file of the output folder as maps by header.
func csvRows(t *testing.T, path string) []map[string]string {
	t.Helper()
	f, err := os.Open(path)
	require.NoError(t, err)
	defer f.Close()
	all, err := csv.NewReader(f).ReadAll()
	require.NoError(t, err)
	var out []map[string]string
	for _, rec := range all[1:] {
		m := map[string]string{}
		for i, h := range all[0] {
			m[h] = rec[i]
		}
		out = append(out, m)
	}
	return out
}

// setPoints edits the canonical scores file as a teacher would: points and a
// comment in the row of (student, item).
func setPoints(t *testing.T, out, student, item, pts, comment string) {
	t.Helper()
	p := filepath.Join(out, ManualScoresFile)
	f, err := os.Open(p)
	require.NoError(t, err)
	all, err := csv.NewReader(f).ReadAll()
	f.Close()
	require.NoError(t, err)
	col := map[string]int{}
	for i, h := range all[0] {
		col[h] = i
	}
	found := false
	for _, rec := range all[1:] {
		if rec[col["student"]] == student && rec[col["exercise"]] == item {
			rec[col["points"]], rec[col["comment"]] = pts, comment
			found = true
		}
	}
	require.True(t, found, "no row for %s %s", student, item)
	var sb strings.Builder
	w := csv.NewWriter(&sb)
	require.NoError(t, w.WriteAll(all))
	require.NoError(t, os.WriteFile(p, []byte(sb.String()), 0o644))
}

// TestManualScores: the template has a row per student and item (by item),
// with the maximum and the start of each answer; a file with mistakes is
// refused with every mistake at once and changes nothing; merging another
// teacher's file reports counts, reaches the gradebook, feedback.md and
// results.json with the comment, and merging it again changes nothing; an
// empty cell clears a score; a comment without points is kept; a changed
// answer keeps its score and is flagged until answer_id is cleared; a new
// student gets rows without touching the teacher's.
func TestManualScores(t *testing.T) {
	l, cat := testLayout(t)
	out := t.TempDir()
	alice := gradeAnswers(t, l, cat, "alice", map[string]string{"6.3-3": "长度减半", "6.3-5": "计算少"})
	bob := gradeAnswers(t, l, cat, "bob", map[string]string{"6.3-3": "不知道"})
	s, err := UpdateReports(out, cat, []*StudentResult{alice, bob}, ReportOptions{})
	require.NoError(t, err)
	assert.Equal(t, 4, s.Manual.Added)
	tmpl, err := os.ReadFile(filepath.Join(out, ManualScoresFile))
	require.NoError(t, err)
	assert.True(t, strings.HasPrefix(string(tmpl), "student,exercise,max,points,comment,answer,answer_id\nalice,6.3-3,1,,,长度减半,a"), "%s", tmpl)
	assert.Contains(t, string(tmpl), "\nbob,6.3-3,1,,,不知道,a")
	assert.Contains(t, string(tmpl), "\nbob,6.3-5,1,,,,none\n")
	assert.Less(t, strings.Index(string(tmpl), "bob,6.3-3"), strings.Index(string(tmpl), "alice,6.3-5"), "one item's rows together")

	snapshot := func() string {
		var sb strings.Builder
		for _, f := range []string{GradebookFile, ManualScoresFile, "alice/results.json", "alice/feedback.md", "manual/6.3-3.md"} {
			b, _ := os.ReadFile(filepath.Join(out, f))
			sb.Write(b)
		}
		return sb.String()
	}
	scores := filepath.Join(t.TempDir(), "ta2.csv")
	write := func(s string) { require.NoError(t, os.WriteFile(scores, []byte(s), 0o644)) }
	before := snapshot()
	write("student,exercise,points,comment\nmallory,6.3-3,1,\nalice,6.3-1,1,\nalice,6.3-3,5,\nalice,6.3-5,0.5,\nalice,6.3-5,1,\nbob,6.3-3,x,\n")
	_, err = ApplyManualScores(out, scores)
	var me *ManualError
	require.ErrorAs(t, err, &me)
	for _, want := range []string{`line 2: got student "mallory"`, `line 3: got exercise "6.3-1", want a manual item`,
		`line 4: got "5" points for 6.3-3 of alice, want a number from 0 to 1`, "line 6: 6.3-5 of alice is scored twice (lines 5 and 6)", `line 7: got "x" points`} {
		assert.Contains(t, err.Error(), want)
	}
	assert.Len(t, me.Mistakes, 5, "every mistake at once")
	assert.Equal(t, before, snapshot(), "a refused file changes nothing")
	write("name,item,score\n")
	_, err = ApplyManualScores(out, scores)
	assert.ErrorContains(t, err, "want the columns student, exercise, points")

	// Another teacher's file: only rows with points or a comment count.
	write("student,exercise,points,comment\nalice,6.3-3,1,说得对\nalice,6.3-5,\"0,5\",只答了一半\nbob,6.3-3,,\n")
	s, err = ApplyManualScores(out, scores)
	require.NoError(t, err)
	assert.Equal(t, 2, s.Manual.Applied)
	assert.Equal(t, 2, s.Manual.Empty)
	first := snapshot()
	_, err = ApplyManualScores(out, scores)
	require.NoError(t, err)
	assert.Equal(t, first, snapshot(), "merging the same file twice gives the same result")

	rows := csvRows(t, filepath.Join(out, GradebookFile))
	require.Equal(t, "", rows[0]["student"], "the row of maxima first")
	assert.Equal(t, "2", rows[0]["total"])
	assert.Equal(t, "alice", rows[1]["student"])
	assert.Equal(t, "1", rows[1]["6.3-3 (manual)"])
	assert.Equal(t, "0.5", rows[1]["6.3-5 (manual)"])
	assert.Equal(t, "1.5", rows[1]["manual"])
	assert.Equal(t, "1.5", rows[1]["total"])
	assert.Equal(t, "2", rows[1]["max"])
	assert.Equal(t, "", rows[2]["6.3-3 (manual)"], "bob is not scored yet")
	fb, err := os.ReadFile(filepath.Join(out, "alice", "feedback.md"))
	require.NoError(t, err)
	assert.Contains(t, string(fb), "| 人工评分 / manual (2 of 2 items scored) | 1.5 | 2 |")
	assert.Contains(t, string(fb), "| **总分 / total** | **1.5** | **2** |")
	assert.Contains(t, string(fb), "> 只答了一半", "the teacher's comment under its item")
	var g Gradescope
	b, err := os.ReadFile(filepath.Join(out, "alice", "results.json"))
	require.NoError(t, err)
	require.NoError(t, json.Unmarshal(b, &g))
	assert.Contains(t, g.Output, "total 1.5/2")
	found := 0
	for _, tst := range g.Tests {
		if strings.HasPrefix(tst.Name, "6.3-5 ") {
			found++
			assert.Contains(t, tst.Output, "manual score: 0.5 / 1")
			assert.Contains(t, tst.Output, "comment:\n只答了一半")
		}
	}
	assert.Equal(t, 1, found)

	// An empty cell clears; a comment without points is kept and shown.
	setPoints(t, out, "alice", "6.3-5", "", "请补充")
	s, err = ApplyManualScores(out, filepath.Join(out, ManualScoresFile))
	require.NoError(t, err)
	assert.Equal(t, 1, s.Manual.Cleared)
	assert.Equal(t, 1, s.Manual.CommentsOnly)
	rows = csvRows(t, filepath.Join(out, GradebookFile))
	assert.Equal(t, "", rows[1]["6.3-5 (manual)"])
	assert.Equal(t, "1", rows[1]["total"])
	fb, _ = os.ReadFile(filepath.Join(out, "alice", "feedback.md"))
	assert.Contains(t, string(fb), "> 请补充")
	assert.Contains(t, string(fb), "待评（有评语）/ not scored yet (commented)")

	// alice hands in a new answer to 6.3-3: the score stays, flagged; carol joins.
	alice2 := gradeAnswers(t, l, cat, "alice", map[string]string{"6.3-3": "步幅 2 使输出长度减半", "6.3-5": "计算少"})
	carol := gradeAnswers(t, l, cat, "carol", map[string]string{"6.3-3": "一半"})
	tmplBefore, _ := os.ReadFile(filepath.Join(out, ManualScoresFile))
	s, err = UpdateReports(out, cat, []*StudentResult{alice2, carol}, ReportOptions{})
	require.NoError(t, err)
	require.Len(t, s.Manual.Flagged, 1)
	assert.Contains(t, s.Manual.Flagged[0], "6.3-3 of alice")
	assert.Contains(t, s.Manual.Flagged[0], "the answer changed")
	assert.Equal(t, 2, s.Manual.Added, "carol's two rows")
	tmplAfter, _ := os.ReadFile(filepath.Join(out, ManualScoresFile))
	assert.True(t, strings.HasPrefix(string(tmplAfter), string(tmplBefore)), "the teacher's rows are kept as they were; new rows come after")
	rows = csvRows(t, filepath.Join(out, GradebookFile))
	assert.Equal(t, "1", rows[1]["6.3-3 (manual)"], "a changed answer keeps its score")
	assert.Contains(t, rows[1]["note"], "the answer changed")
	page, _ := os.ReadFile(filepath.Join(out, "manual", "6.3-3.md"))
	assert.Contains(t, string(page), "步幅 2 使输出长度减半", "the page shows the new answer")
	assert.Contains(t, string(page), "Check / 请复查")
	// The teacher re-reads it and empties answer_id: no more flag.
	p := filepath.Join(out, ManualScoresFile)
	lines := strings.Split(string(tmplAfter), "\n")
	for i, line := range lines {
		if strings.HasPrefix(line, "alice,6.3-3,") {
			lines[i] = line[:strings.LastIndex(line, ",")+1]
		}
	}
	require.NoError(t, os.WriteFile(p, []byte(strings.Join(lines, "\n")), 0o644))
	s, err = ApplyManualScores(out, p)
	require.NoError(t, err)
	assert.Empty(t, s.Manual.Flagged)
}

// TestManualOutsideCheckout: merging manual scores needs only the output
// folder, not the checkout (it reads OUT/catalog.json).
func TestManualOutsideCheckout(t *testing.T) {
	l, cat := testLayout(t)
	out := t.TempDir()
	_, err := UpdateReports(out, cat, []*StudentResult{gradeAnswers(t, l, cat, "alice", map[string]string{"6.3-3": "a"})}, ReportOptions{})
	require.NoError(t, err)
	wd, err := os.Getwd()
	require.NoError(t, err)
	require.NoError(t, os.Chdir(t.TempDir()))
	t.Cleanup(func() { _ = os.Chdir(wd) })
	setPoints(t, out, "alice", "6.3-3", "1", "")
	s, err := ApplyManualScores(out, filepath.Join(out, ManualScoresFile))
	require.NoError(t, err)
	assert.Equal(t, 1, s.Manual.Applied)
}
