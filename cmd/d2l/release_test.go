package main

import (
	"context"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestRelease writes the student distribution and checks that it holds the
// exercises and their notebooks but no solution, hidden test or grader test.
func TestRelease(t *testing.T) {
	if _, err := os.Stat("../../solutions"); err != nil {
		t.Skip("not an instructor checkout (no solutions/)")
	}
	out := filepath.Join(t.TempDir(), "release")
	wd, err := os.Getwd()
	require.NoError(t, err)
	require.NoError(t, os.Chdir("../.."))
	t.Cleanup(func() { _ = os.Chdir(wd) })
	require.NoError(t, runRelease(context.Background(), []string{"-out", out}))

	for _, want := range []string{"exercises/go.mod", "exercises/catalog.json", "exercises/sec63/mirror_pad.go",
		"exercises/sec63/sec63_test.go", "notebooks/exercises/6.3-exercises.ipynb", "internal/grader/grade.go", "cmd/d2l/check.go"} {
		assert.FileExists(t, filepath.Join(out, want))
	}
	require.NoError(t, filepath.WalkDir(out, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, _ := filepath.Rel(out, p)
		rel = filepath.ToSlash(rel)
		assert.False(t, isSecret(rel), "secret path in the release: %s", rel)
		if strings.HasSuffix(rel, ".go") {
			b, err := os.ReadFile(p)
			require.NoError(t, err)
			assert.False(t, hasSecretLine(b), "solution or hidden-test code in %s", rel)
		}
		return nil
	}))
	b, err := os.ReadFile(filepath.Join(out, "exercises", "catalog.json"))
	require.NoError(t, err)
	assert.NotContains(t, string(b), "TestHidden_", "hidden test names leak through the student catalog")
}

// TestIsSecret pins which paths stay out of a release.
func TestIsSecret(t *testing.T) {
	for path, want := range map[string]bool{
		"solutions/sec62/im2col.go":                 true,
		"internal/grader/hidden/sec62/x_test.go":    true,
		"internal/grader/testdata/submissions/a.go": true,
		"internal/grader/grader_test.go":            true,
		"internal/grader/grade.go":                  false,
		"exercises/sec62/im2col.go":                 false,
		"exercises/sec62/im2col_test.go":            false,
		"notebooks/exercises/6.2-exercises.ipynb":   false,
		"solutionsX/readme.md":                      false,
	} {
		assert.Equal(t, want, isSecret(path), path)
	}
}
