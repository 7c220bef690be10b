package grader

import (
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"

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

// TestCatalogTestsChecked: grading refuses to start when a test of the catalog
// reads a variable of the student's package (which the student's code could
// set) or a hidden test uses what a public test declares; the repository's own
// tests pass the same check in every grading run (prepareBuilds).
func TestCatalogTestsChecked(t *testing.T) {
	l, _ := testLayout(t)
	tc, err := findToolchain(l.Root)
	require.NoError(t, err)
	src, err := readSources(l, tc)
	require.NoError(t, err)
	root := t.TempDir()
	for rel, b := range src.files {
		require.NoError(t, writeNew(filepath.Join(root, filepath.FromSlash(rel)), b))
	}
	readmes, _ := filepath.Glob(filepath.Join(l.Solutions, "sec6*", "README.md"))
	for _, p := range readmes {
		b, err := os.ReadFile(p)
		require.NoError(t, err)
		require.NoError(t, writeNew(filepath.Join(root, "solutions", filepath.Base(filepath.Dir(p)), "README.md"), b))
	}
	appendTo := func(rel, text string) {
		p := filepath.Join(root, filepath.FromSlash(rel))
		b, err := os.ReadFile(p)
		require.NoError(t, err)
		require.NoError(t, os.WriteFile(p, append(b, text...), 0o644))
	}
	appendTo("solutions/sec65/doc.go", "\n// Secret is a variable of the student's package.\nvar Secret = 3\n")
	appendTo("solutions/sec65/sec65_test.go", "\n// TestReadsSecret reads it.\n//\n//d2l:test 6.5-3 points=1\nfunc TestReadsSecret(t *testing.T) {\n\tdefer testutil.Catch(t)\n\trequire.Equal(t, 3, sec65.Secret)\n}\n")
	appendTo("internal/grader/hidden/sec65/sec65_hidden_test.go", "\n// TestHidden_Book uses the public tests' input.\n//\n//d2l:test 6.5-3 points=1\nfunc TestHidden_Book(t *testing.T) {\n\tdefer testutil.Catch(t)\n\ttestutil.Equal(t, 3, len(bookX()), \"bookX\")\n}\n")
	bad := NewLayout(root)
	cat, err := LoadCatalog(bad.Solutions, bad.Hidden)
	require.NoError(t, err)
	_, err = prepareBuilds(context.Background(), bad, cat, DefaultCacheDir(), 5*time.Minute)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "sec65_test.go")
	assert.Contains(t, err.Error(), "reads Secret, a variable of the student's package")
	assert.Contains(t, err.Error(), "a hidden test uses bookX, which the public test file sec65_test.go declares")
}
