package grader

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// fakeResult is a graded student with score points of 6.3-1 (of 3) and an
// answer to the manual item 6.3-3.
func fakeResult(name string, score int, answer string) *StudentResult {
	return &StudentResult{Student: name, Score: score, Max: 3, Manual: 1, Exercises: []*ExerciseResult{
		{ID: "6.3-1", Title: "输出形状", Kind: KindCode, Score: score, Max: 3, Tests: []TestResult{{Name: "TestConvOutputShape", Score: score, Max: 3, Passed: score == 3}}},
		{ID: "6.3-3", Title: "步幅 2", Kind: KindManual, Max: 1, Answer: answer},
	}}
}

// TestLateRosterExport: the roster names the students and gives submission
// times and an extension; the late rule takes its share of the points earned,
// the same in the gradebook, feedback.md, results.json and the Canvas and
// Moodle exports; a student the LMS cannot match stops the export with their name.
func TestLateRosterExport(t *testing.T) {
	_, cat := testLayout(t)
	out := t.TempDir()
	roster := filepath.Join(t.TempDir(), RosterFile)
	require.NoError(t, os.WriteFile(roster, []byte("folder,name,id,email,lms_id,submitted,due\n"+
		"alice,Alice Liddell,S001,alice@example.edu,101,2026-12-01 20:00,\n"+
		"bob,=cmd|' /C calc'!A0,S002,bob@example.edu,102,2026-12-03 01:00,\n"+ // 1 day 1 hour late: 2 days
		"carol,Carol,,,103,2026-12-03 01:00,2026-12-05 23:59\n"), 0o644)) // an extension
	loc := time.FixedZone("UTC+8", 8*3600)
	deadline := time.Date(2026, 12, 1, 23, 59, 0, 0, loc)
	course := &Course{Roster: roster, Late: LatePolicy{Deadline: deadline, PerDay: 0.1}}
	_, err := UpdateReports(out, cat, []*StudentResult{fakeResult("alice", 3, "a"), fakeResult("bob", 3, "b"), fakeResult("carol", 1, "c")}, ReportOptions{Course: course})
	require.NoError(t, err)
	setPoints(t, out, "bob", "6.3-3", "1", "")
	s, err := ApplyManualScores(out, filepath.Join(out, ManualScoresFile))
	require.NoError(t, err)

	// bob: 3 + 1 = 4 earned, 2 days late × 10 % = 0.8 off: 3.2 of 4.
	assert.Equal(t, 2, s.Totals["bob"].LateDays)
	assert.InDelta(t, 3.2, s.Totals["bob"].Total, 1e-9)
	assert.Zero(t, s.Totals["alice"].LateDays)
	assert.Zero(t, s.Totals["carol"].LateDays, "the extension holds")
	rows := csvRows(t, filepath.Join(out, GradebookFile))
	byName := map[string]map[string]string{}
	for _, r := range rows[1:] {
		byName[r["student"]] = r
	}
	assert.Equal(t, "0.8", byName["bob"]["late_penalty"])
	assert.Equal(t, "3.2", byName["bob"]["total"])
	assert.Equal(t, "S002", byName["bob"]["id"])
	assert.Equal(t, "'=cmd|' /C calc'!A0", byName["bob"]["name"], "a roster name that reads as a formula is quoted")
	assert.Contains(t, byName["bob"]["note"], "2 day(s) late (−20%)")
	fb, err := os.ReadFile(filepath.Join(out, "bob", "feedback.md"))
	require.NoError(t, err)
	assert.Contains(t, string(fb), "| 迟交扣分 / late penalty (2 day(s) × 10%) | −0.8 | |")
	assert.Contains(t, string(fb), "| **总分 / total** | **3.2** | **4** |")
	var g Gradescope
	b, err := os.ReadFile(filepath.Join(out, "bob", "results.json"))
	require.NoError(t, err)
	require.NoError(t, json.Unmarshal(b, &g))
	assert.Contains(t, g.Output, "late 2 day(s) −0.8, total 3.2/4")

	canvas, _, err := ExportGrades(out, "canvas", "Chapter 6 (4711)")
	require.NoError(t, err)
	assert.Equal(t, "Student,ID,SIS User ID,SIS Login ID,Section,Chapter 6 (4711)\nPoints Possible,,,,,4\n"+
		"Alice Liddell,101,S001,,,3\n'=cmd|' /C calc'!A0,102,S002,,,3.2\nCarol,103,,,,1\n", string(canvas))
	_, _, err = ExportGrades(out, "moodle", "Chapter 6")
	assert.ErrorContains(t, err, "1 students have no email or id")
	assert.ErrorContains(t, err, "carol")
	_, _, err = ExportGrades(out, "blackboard", "x")
	assert.ErrorContains(t, err, "want one of canvas, moodle")
}

// TestRegradeKeepsOthers: grading one student, or one exercise, into an
// output folder keeps every other student and exercise; a student graded
// before who is no longer in the class is kept and reported.
func TestRegradeKeepsOthers(t *testing.T) {
	_, cat := testLayout(t)
	out := t.TempDir()
	_, err := UpdateReports(out, cat, []*StudentResult{fakeResult("alice", 3, "a"), fakeResult("bob", 0, "b")}, ReportOptions{})
	require.NoError(t, err)
	// bob again, 6.3-1 only (as -student bob -only 6.3-1 would).
	bob := fakeResult("bob", 3, "")
	bob.Exercises = bob.Exercises[:1]
	bob.Manual = 0
	s, err := UpdateReports(out, cat, []*StudentResult{bob}, ReportOptions{Class: []string{"bob"}})
	require.NoError(t, err)
	assert.Equal(t, []string{"alice"}, s.Kept)
	assert.Equal(t, []string{"6.3-1", "6.3-3"}, s.Exercises, "6.3-3 is still graded for the class")
	rows := csvRows(t, filepath.Join(out, GradebookFile))
	require.Len(t, rows, 3)
	assert.Equal(t, "alice", rows[1]["student"])
	assert.Equal(t, "3", rows[2]["6.3-1"])
	var rec StudentResult
	b, err := os.ReadFile(filepath.Join(out, "bob", RecordFile))
	require.NoError(t, err)
	require.NoError(t, json.Unmarshal(b, &rec))
	require.Len(t, rec.Exercises, 2, "bob's 6.3-3 kept from the first run")
	assert.Equal(t, "b", rec.Exercises[1].Answer)
	assert.Equal(t, 3, rec.Score)
	// The local results.json is what the autograder writes for the record.
	want, _ := json.MarshalIndent(AutograderResults(&rec, rec.Elapsed), "", "  ")
	got, err := os.ReadFile(filepath.Join(out, "bob", "results.json"))
	require.NoError(t, err)
	assert.Equal(t, string(want)+"\n", string(got))
	assert.True(t, strings.HasPrefix(rows[0]["note"], "满分"), "the row of maxima")
}

// A student's totals on one line, as the console and results.json show them.
func ExampleTotalsLine() {
	fmt.Println(TotalsLine(Totals{Auto: 12, AutoMax: 14, Manual: 1.5, ManualMax: 2, ManualScored: 2, ManualItems: 2,
		LateDays: 2, LateFraction: 0.2, Penalty: 2.7, Total: 10.8, Max: 16}))
	// Output: automatic 12/14, manual 1.5/2 (2 of 2 scored), late 2 day(s) −2.7, total 10.8/16
}

// Deadlines and submission times with or without a time zone.
func ExampleParseTime() {
	cst := time.FixedZone("CST", 8*3600)
	for _, s := range []string{"2026-12-01T23:59:00+08:00", "2026-12-01 23:59", "2026-12-01"} {
		t, _ := ParseTime(s, cst)
		fmt.Println(t.Format(time.RFC3339))
	}
	// Output:
	// 2026-12-01T23:59:00+08:00
	// 2026-12-01T23:59:00+08:00
	// 2026-12-01T23:59:59+08:00
}
