package grader

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestManualScores: grading writes a template of the manual scores; a teacher's filled-in
// file is merged into the gradebook and results.json, validated row by row, and a bad file
// changes nothing.
func TestManualScores(t *testing.T) {
	l, cat := testLayout(t)
	out := t.TempDir()
	var results []*StudentResult
	for _, name := range []string{"alice", "bob"} {
		dir := filepath.Join(t.TempDir(), name)
		require.NoError(t, os.MkdirAll(dir, 0o755))
		sub, err := LoadSubmission(dir, cat)
		require.NoError(t, err)
		res, err := GradeSubmission(context.Background(), sub, Options{Layout: l, Catalog: cat, Reference: true, NoSandbox: true, Only: []string{"6.3-3", "6.3-5"}})
		require.NoError(t, err)
		results = append(results, res)
	}
	require.NoError(t, WriteReports(out, cat, results))
	tmpl, err := os.ReadFile(filepath.Join(out, ManualScoresFile))
	require.NoError(t, err)
	assert.Contains(t, string(tmpl), "student,exercise,points,comment\nalice,")
	assert.Contains(t, string(tmpl), "\nbob,6.3-3,,\n")

	scores := filepath.Join(t.TempDir(), "scores.csv")
	write := func(s string) { require.NoError(t, os.WriteFile(scores, []byte(s), 0o644)) }
	snapshot := func() string {
		gb, _ := os.ReadFile(filepath.Join(out, GradebookFile))
		rj, _ := os.ReadFile(filepath.Join(out, "alice", "results.json"))
		return string(gb) + string(rj)
	}
	before := snapshot()
	for _, tc := range []struct{ csv, want string }{
		{"student,exercise,points,comment\nmallory,6.3-3,1,\n", `got student "mallory"`},
		{"student,exercise,points,comment\nalice,6.3-1,1,\n", `got exercise "6.3-1", want a manual item`},
		{"student,exercise,points,comment\nalice,6.3-3,5,\n", `got "5" points for 6.3-3, want a number from 0 to 1`},
		{"student,exercise,points,comment\nalice,6.3-3,-1,\n", "want a number from 0 to 1"},
		{"student,exercise,points,comment\nalice,6.3-3,1,\nalice,6.3-3,0,\n", "scored twice (lines 2 and 3)"},
		{"name,item,score\n", "want student,exercise,points,comment"},
	} {
		write(tc.csv)
		assert.ErrorContains(t, ApplyManualScores(out, cat, scores), tc.want)
		assert.Equal(t, before, snapshot(), "a refused file changes nothing: %q", tc.csv)
	}

	write("student,exercise,points,comment\nalice,6.3-3,1,说得对\nalice,6.3-5,0.5,只答了一半\nbob,6.3-3,,\n")
	require.NoError(t, ApplyManualScores(out, cat, scores))
	first := snapshot()
	require.NoError(t, ApplyManualScores(out, cat, scores), "applying again")
	assert.Equal(t, first, snapshot(), "applying the same file twice gives the same result")

	_, rows, err := readGradebook(filepath.Join(out, GradebookFile))
	require.NoError(t, err)
	header, _, _ := readGradebook(filepath.Join(out, GradebookFile))
	col := map[string]int{}
	for i, h := range header {
		col[h] = i
	}
	alice := rows[0]
	assert.Equal(t, "alice", alice[0])
	assert.Equal(t, "1", alice[col["6.3-3 (manual)"]])
	assert.Equal(t, "0.5", alice[col["6.3-5 (manual)"]])
	assert.Equal(t, "1.5", alice[col["manual"]])
	assert.Equal(t, "1.5", alice[col["total"]], "no automatic points were graded")
	assert.Equal(t, "", rows[1][col["manual"]], "bob is not graded yet")

	var g Gradescope
	b, err := os.ReadFile(filepath.Join(out, "alice", "results.json"))
	require.NoError(t, err)
	require.NoError(t, json.Unmarshal(b, &g))
	assert.Equal(t, 1.5, g.Score)
	found := 0
	for _, tst := range g.Tests {
		if strings.HasPrefix(tst.Name, "6.3-5 ") {
			found++
			require.NotNil(t, tst.Score)
			assert.Equal(t, 0.5, *tst.Score)
			assert.Contains(t, tst.Output, "评语:\n只答了一半")
			assert.Equal(t, 1, strings.Count(tst.Output, "评语"), "the comment once, even after two merges")
		}
	}
	assert.Equal(t, 1, found, "the manual item 6.3-5 in results.json")
}
