package grader

import (
	"crypto/sha256"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestGenerateKeepsWork: gen-exercises overwrites or removes only what it wrote itself. A
// solved stub, a notebook run and saved, and a file someone added stop it (nothing is
// written, every such file is named); a file still as an older generation wrote it is
// updated; -force overwrites and removes.
func TestGenerateKeepsWork(t *testing.T) {
	root, err := FindRoot(".")
	require.NoError(t, err)
	l := NewLayout(root)
	tmp := t.TempDir()
	l.Exercises, l.Notebooks = filepath.Join(tmp, "exercises"), filepath.Join(tmp, "notebooks")
	rel := func(p string) string { r, _ := filepath.Rel(root, p); return filepath.ToSlash(r) }

	written, err := Generate(l, false)
	require.NoError(t, err)
	require.NotEmpty(t, written)
	written, err = Generate(l, false)
	require.NoError(t, err)
	assert.Empty(t, written, "a second run has nothing to write")

	stub := filepath.Join(l.Exercises, "sec63", "mirror_pad.go")
	nb := filepath.Join(l.Notebooks, "6.3-exercises.ipynb")
	helper := filepath.Join(l.Exercises, "sec63", "helper.go")
	older := filepath.Join(l.Exercises, "sec62", "blur.go")
	generated := map[string][]byte{}
	for _, p := range []string{stub, nb, older} {
		b, err := os.ReadFile(p)
		require.NoError(t, err, p)
		generated[p] = b
	}
	solved := append(append([]byte{}, generated[stub]...), "\n// my solution\n"...)
	require.NoError(t, os.WriteFile(stub, solved, 0o644))
	require.NoError(t, os.WriteFile(nb, append(append([]byte{}, generated[nb]...), ' '), 0o644))
	require.NoError(t, os.WriteFile(helper, []byte("package sec63\n"), 0o644))
	// older: as an earlier generation wrote it (its sum in the manifest), e.g. before a change
	// of its solution.
	olderText := []byte("package sec62\n\n// an earlier stub\n")
	require.NoError(t, os.WriteFile(older, olderText, 0o644))
	mf := filepath.Join(l.Exercises, ManifestFile)
	m, err := os.ReadFile(mf)
	require.NoError(t, err)
	oldSum, newSum := fmt.Sprintf("%x", sha256.Sum256(generated[older])), fmt.Sprintf("%x", sha256.Sum256(olderText))
	require.Contains(t, string(m), oldSum+"  "+rel(older))
	require.NoError(t, os.WriteFile(mf, []byte(strings.Replace(string(m), oldSum, newSum, 1)), 0o644))

	written, err = Generate(l, false)
	require.ErrorIs(t, err, ErrChanged)
	assert.Empty(t, written)
	for _, p := range []string{stub, nb, helper} {
		assert.Contains(t, err.Error(), rel(p))
	}
	assert.NotContains(t, err.Error(), rel(older), "a file as gen-exercises wrote it is not someone's work")
	assert.Contains(t, err.Error(), "-force")
	got, err := os.ReadFile(stub)
	require.NoError(t, err)
	assert.Equal(t, solved, got, "the solved stub is kept")
	assert.FileExists(t, helper)
	got, err = os.ReadFile(older)
	require.NoError(t, err)
	assert.Equal(t, olderText, got, "nothing is written when anything would be lost")

	// Once the work is moved away, the older file is brought up to date.
	require.NoError(t, os.WriteFile(stub, generated[stub], 0o644))
	require.NoError(t, os.WriteFile(nb, generated[nb], 0o644))
	require.NoError(t, os.Remove(helper))
	written, err = Generate(l, false)
	require.NoError(t, err)
	assert.Contains(t, written, older)
	got, err = os.ReadFile(older)
	require.NoError(t, err)
	assert.Equal(t, generated[older], got)

	// -force overwrites and removes.
	require.NoError(t, os.WriteFile(stub, solved, 0o644))
	require.NoError(t, os.WriteFile(helper, []byte("package sec63\n"), 0o644))
	_, err = Generate(l, true)
	require.NoError(t, err)
	got, err = os.ReadFile(stub)
	require.NoError(t, err)
	assert.Equal(t, generated[stub], got)
	assert.NoFileExists(t, helper)
}
