package harness_test

import (
	"os"
	"path/filepath"
	"testing"
	"time"

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

func TestCellTiming(t *testing.T) {
	log := "[NbConvertApp] Executing notebook\n" +
		"I1129 23:59:58.500000   28035 jpyexec.go:182] \x1b[7m[775a5930]\x1b[0m Executing: /bin/bash [-c setup]\n" +
		"I1129 23:59:59.000000   28035 main.go:1] something else\n" +
		"I1129 23:59:59.000000   28035 jpyexec.go:182] [775a5930] Executing: /tmp/gonb_1/gonb_1 []\n" +
		"I1130 00:00:02.000000   28035 jpyexec.go:182] [775a5930] Executing: /tmp/gonb_1/gonb_1 []\n" +
		"I1130 00:00:03.250000   28035 jpyexec.go:182] [775a5930] Executing: /tmp/gonb_1/gonb_1 []\n" +
		"I1130 00:00:04.250000   28035 jpyexec.go:182] [775a5930] Executing: /tmp/gonb_1/gonb_1 []\n"
	path := filepath.Join(t.TempDir(), "x.log")
	require.NoError(t, os.WriteFile(path, []byte(log), 0o644))
	tm, err := harness.CellTiming(path)
	require.NoError(t, err)
	assert.Equal(t, 5, tm.Cells)
	ms := time.Millisecond
	assert.Equal(t, []time.Duration{500 * ms, 3000 * ms, 1250 * ms, 1000 * ms}, tm.Latencies)
	assert.Equal(t, 1250*ms, tm.Median, "median of all but the first")
	assert.Equal(t, 3000*ms, tm.Max)
	assert.Equal(t, "5 cells, median 1.2s, first 0.5s, max 3.0s (#2)", tm.String())
}
