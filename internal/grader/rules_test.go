package grader

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestCheckRules(t *testing.T) {
	forbid := []string{"grid.Pool2D", "max", "math.Max"}
	for _, tc := range []struct {
		name, src, want string
	}{
		{"clean", "package p\nfunc F(a, b float32) float32 { return b + relu(a-b) }\nfunc relu(x float32) float32 { if x > 0 { return x }; return 0 }\n", ""},
		{"builtin", "package p\nfunc F(a, b float32) float32 {\n\treturn max(a, b)\n}\n", "f.go:3: uses max, which exercise 6.5-2 does not allow"},
		{"shadowed builtin", "package p\nfunc max(a, b float32) float32 { if a > b { return a }; return b }\nfunc F(a, b float32) float32 { return max(a, b) }\n", ""},
		{"package function", "package p\nimport \"github.com/d2l-go/d2l-go/exercises/grid\"\nfunc F(X [][]float32) [][]float32 { return grid.Pool2D(X, 2, 2, \"max\") }\n", "uses grid.Pool2D"},
		{"renamed import", "package p\nimport g \"github.com/d2l-go/d2l-go/exercises/grid\"\nfunc F(X [][]float32) [][]float32 { return g.Pool2D(X, 2, 2, \"max\") }\n", "uses grid.Pool2D"},
		{"function value", "package p\nimport \"math\"\nvar f = math.Max\n", "uses math.Max"},
		{"allowed function of the package", "package p\nimport \"math\"\nvar f = math.Abs\n", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := CheckRules("f.go", []byte(tc.src), "6.5-2", forbid)
			if tc.want == "" {
				assert.Empty(t, got)
				return
			}
			assert.Contains(t, got, tc.want)
		})
	}
	assert.Empty(t, CheckRules("f.go", []byte("package p\nvar x = max(1, 2)\n"), "6.3-1", nil), "no rules, no check")
}

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
