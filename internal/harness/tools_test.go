package harness_test

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/d2l-go/d2l-go/internal/harness"
)

func TestKernelInstalled(t *testing.T) {
	dir := t.TempDir()
	gonb := filepath.Join(dir, "bin", "gonb")
	require.NoError(t, os.MkdirAll(filepath.Dir(gonb), 0o755))
	require.NoError(t, os.WriteFile(gonb, []byte("#!/bin/true\n"), 0o755))
	kdir := filepath.Join(dir, "jupyter", "kernels", "gonb")
	require.NoError(t, os.MkdirAll(kdir, 0o755))
	copied := filepath.Join(kdir, "gonb")
	require.NoError(t, os.WriteFile(copied, []byte("#!/bin/true\n"), 0o755))
	for _, tc := range []struct {
		name, spec string
		raw, want  bool
	}{
		{"raw errors", `{"argv": ["` + gonb + `", "--kernel", "{connection_file}", "-raw_error=true"]}`, true, true},
		{"copy in kernel dir", `{"argv": ["` + copied + `", "--kernel", "{connection_file}", "-raw_error=true"]}`, true, true},
		{"no raw errors wanted", `{"argv": ["` + gonb + `", "--kernel", "{connection_file}"]}`, false, true},
		{"raw errors missing", `{"argv": ["` + gonb + `", "--kernel", "{connection_file}"]}`, true, false},
		{"other gonb", `{"argv": ["/elsewhere/gonb", "-raw_error=true"]}`, true, false},
		{"binary gone", `{"argv": ["` + filepath.Join(dir, "gone") + `", "-raw_error=true"]}`, true, false},
		{"bad json", `{"argv": [`, true, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			require.NoError(t, os.WriteFile(filepath.Join(kdir, "kernel.json"), []byte(tc.spec), 0o644))
			assert.Equal(t, tc.want, harness.KernelInstalled(filepath.Join(dir, "jupyter"), gonb, tc.raw))
		})
	}
	assert.False(t, harness.KernelInstalled(filepath.Join(dir, "nothing"), gonb, false))
}

func TestRepoRoot(t *testing.T) {
	root, err := harness.RepoRoot(".")
	require.NoError(t, err)
	assert.FileExists(t, filepath.Join(root, "notebooks", "setup.sh"))
	_, err = harness.RepoRoot(t.TempDir())
	require.Error(t, err)
	assert.Contains(t, err.Error(), "got no go.mod of module github.com/d2l-go/d2l-go")
}

func TestFindToolInGoBin(t *testing.T) {
	gobin := t.TempDir()
	require.NoError(t, os.WriteFile(filepath.Join(gobin, "d2l-fake-tool"), []byte("#!/bin/true\n"), 0o755))
	t.Setenv("GOBIN", gobin)
	p, err := harness.FindTool("d2l-fake-tool")
	require.NoError(t, err)
	assert.Equal(t, filepath.Join(gobin, "d2l-fake-tool"), p)
	_, err = harness.FindTool("d2l-no-such-tool")
	assert.ErrorContains(t, err, "d2l-no-such-tool: got not found")
}
