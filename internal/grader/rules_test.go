package grader

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestRulesCostTheExercise: a correct MaxViaReLU written with the builtin max scores 0 for
// 6.5-2 with a note naming the rule; the catalog carries the rule for students too.
func TestRulesCostTheExercise(t *testing.T) {
	l, cat := testLayout(t)
	require.Contains(t, cat.Find("6.5-2").Forbid, "max")
	require.Contains(t, cat.ForStudents().Find("6.5-2").Forbid, "max", "d2l check enforces it too")
	dir := filepath.Join(t.TempDir(), "student", "sec65")
	require.NoError(t, os.MkdirAll(dir, 0o755))
	src, err := os.ReadFile(filepath.Join(l.Solutions, "sec65", "max_relu.go"))
	require.NoError(t, err)
	cheat := []byte(string(RewriteImports(src)) + "\nfunc shortcut(a, b float32) float32 { return max(a, b) }\n")
	require.NoError(t, os.WriteFile(filepath.Join(dir, "max_relu.go"), cheat, 0o644))
	sub, err := LoadSubmission(filepath.Dir(dir), cat)
	require.NoError(t, err)
	res, err := GradeSubmission(context.Background(), sub, Options{Layout: l, Catalog: cat, Reference: true, NoSandbox: true, Only: []string{"6.5-2"}})
	require.NoError(t, err)
	require.Len(t, res.Exercises, 1)
	assert.Equal(t, 0, res.Exercises[0].Score)
	assert.Contains(t, res.Exercises[0].Note, "uses max, which exercise 6.5-2 does not allow")
}
