package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestStaleReason: a gonb built by another Go, with an experiment, or of another version is
// built again, since Jupyter would mark every notebook as changed on opening.
func TestStaleReason(t *testing.T) {
	for _, tc := range []struct {
		name, goVersion, modVersion, want string
	}{
		{"as pinned", "go1.27.3", "v0.11.5", ""},
		{"GOEXPERIMENT=simd", "go1.27.3-X:simd", "v0.11.5", "built by go1.27.3-X:simd, want go1.27.3 without GOEXPERIMENT"},
		{"older Go", "go1.26.8", "v0.11.5", "built by go1.26.8, want go1.27.3 without GOEXPERIMENT"},
		{"older gonb", "go1.27.3", "v0.10.1", "version v0.10.1, want v0.11.5"},
		{"both", "go1.26.8", "(devel)", "version (devel), want v0.11.5; built by go1.26.8, want go1.27.3 without GOEXPERIMENT"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			assert.Equal(t, tc.want, staleReason(tc.goVersion, tc.modVersion, "go1.27.3", "v0.11.5"))
		})
	}
}

// TestPinnedVersion reads the gonb that tools/go.mod pins.
func TestPinnedVersion(t *testing.T) {
	v, err := pinnedVersion(filepath.Join("..", "..", "tools", "go.mod"), "github.com/janpfeifer/gonb")
	require.NoError(t, err)
	assert.True(t, strings.HasPrefix(v, "v0."), v)
	_, err = pinnedVersion(filepath.Join("..", "..", "tools", "go.mod"), "example.com/none")
	assert.ErrorContains(t, err, "want one")
	single := filepath.Join(t.TempDir(), "go.mod")
	require.NoError(t, os.WriteFile(single, []byte("module m\n\ngo 1.27\n\nrequire github.com/janpfeifer/gonb v0.11.5 // indirect\n"), 0o644))
	v, err = pinnedVersion(single, "github.com/janpfeifer/gonb")
	require.NoError(t, err)
	assert.Equal(t, "v0.11.5", v, "a require line of its own")
}

// TestGonbStaleExperiment builds a small program with and without GOEXPERIMENT=simd and
// reads what gonbStale reads from each binary.
func TestGonbStaleExperiment(t *testing.T) {
	if testing.Short() {
		t.Skip("builds two programs")
	}
	wantGo, err := goVersion(t.Context(), ".")
	require.NoError(t, err)
	dir := t.TempDir()
	require.NoError(t, os.WriteFile(filepath.Join(dir, "go.mod"), []byte("module example.com/p\n\ngo 1.27\n"), 0o644))
	require.NoError(t, os.WriteFile(filepath.Join(dir, "main.go"), []byte("package main\n\nfunc main() {}\n"), 0o644))
	for _, tc := range []struct {
		experiment string
		stale      bool
	}{{"", false}, {"simd", true}} {
		bin := filepath.Join(dir, "p-"+tc.experiment)
		cmd := exec.Command("go", "build", "-o", bin, ".")
		cmd.Dir = dir
		cmd.Env = append(os.Environ(), "GOEXPERIMENT="+tc.experiment, "GOTOOLCHAIN="+wantGo, "GOFLAGS=")
		out, err := cmd.CombinedOutput()
		require.NoError(t, err, "%s", out)
		why := gonbStale(bin, wantGo, "(devel)")
		if tc.stale {
			assert.Contains(t, why, "without GOEXPERIMENT", "GOEXPERIMENT=%s", tc.experiment)
		} else {
			assert.Empty(t, why, "GOEXPERIMENT=%s", tc.experiment)
		}
	}
}
