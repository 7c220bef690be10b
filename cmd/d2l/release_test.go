package main

import (
	"context"
	"io/fs"
	"os"
	"os/exec"
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
	readme, err := os.ReadFile(filepath.Join(out, "README.md"))
	require.NoError(t, err)
	student, err := os.ReadFile(filepath.Join("docs", "README.student.md"))
	require.NoError(t, err)
	assert.Equal(t, string(student), string(readme), "the students' README, not the teacher's")
	for _, teacher := range []string{"solutions/", "d2l grade", "TEACHING"} {
		assert.NotContains(t, string(readme), teacher)
	}
	assert.Contains(t, string(readme), "提交什么 / What to hand in")
	assert.NoFileExists(t, filepath.Join(out, "docs", "TEACHING.md"))
}

// TestIsSecret pins which paths stay out of a release.
func TestIsSecret(t *testing.T) {
	for path, want := range map[string]bool{
		"solutions/sec62/im2col.go":                                true,
		"internal/grader/hidden/sec62/x_test.go":                   true,
		"internal/grader/testdata/submissions/a.go":                true,
		"internal/similarity/testdata/mirror_pad/indep_ana.go.txt": true,
		"internal/grader/grader_test.go":                           true,
		"internal/grader/grade.go":                                 false,
		"exercises/sec62/im2col.go":                                false,
		"exercises/sec62/im2col_test.go":                           false,
		"notebooks/exercises/6.2-exercises.ipynb":                  false,
		"solutionsX/readme.md":                                     false,
	} {
		assert.Equal(t, want, isSecret(path), path)
	}
}

// TestReleaseNeedsOneOutput: -out or -gradescope, not both, not neither.
func TestReleaseNeedsOneOutput(t *testing.T) {
	for _, args := range [][]string{nil, {"-out", "a", "-gradescope", "b.zip"}} {
		err := runRelease(context.Background(), args)
		assert.ErrorIs(t, err, errUsage, "%q", args)
	}
}

// TestGoModVersion: the Go setup.sh installs is go.mod's toolchain, else its go line.
func TestGoModVersion(t *testing.T) {
	dir := t.TempDir()
	for mod, want := range map[string]string{
		"module m\n\ngo 1.26.5\n":                       "1.26.5",
		"module m\n\ngo 1.26\n":                         "1.26.0",
		"module m\n\ngo 1.26.1\n\ntoolchain go1.26.7\n": "1.26.7",
	} {
		p := filepath.Join(dir, "go.mod")
		require.NoError(t, os.WriteFile(p, []byte(mod), 0o644))
		v, err := goModVersion(p)
		require.NoError(t, err)
		assert.Equal(t, want, v, mod)
	}
	v, err := goModVersion("../../go.mod")
	require.NoError(t, err)
	assert.Regexp(t, `^1\.\d+\.\d+$`, v)
}

// TestGradescopeScripts: setup.sh and run_autograder are valid bash, strict,
// and setup.sh gets go.mod's Go version.
func TestGradescopeScripts(t *testing.T) {
	if _, err := exec.LookPath("bash"); err != nil {
		t.Skip("no bash")
	}
	for name, s := range map[string]string{"setup.sh": gradescopeSetup, "run_autograder": gradescopeRun} {
		assert.True(t, strings.HasPrefix(s, "#!/usr/bin/env bash\n"), name)
		assert.Contains(t, s, "set -", name)
		cmd := exec.Command("bash", "-n")
		cmd.Stdin = strings.NewReader(s)
		out, err := cmd.CombinedOutput()
		assert.NoError(t, err, "%s: %s", name, out)
	}
	assert.Contains(t, gradescopeSetup, "GO_VERSION=@GO_VERSION@")
	assert.Contains(t, gradescopeSetup, "set -euo pipefail")
}
