package harness_test

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/d2l-go/d2l-go/internal/harness"
)

// TestKernel: the d2l-go kernel spec runs gonb with a Go workspace of the checkout, and an
// environment that gives cells the checkout's Go toolchain whatever the shell Jupyter was
// started from; KernelInstalled sees any difference from it.
func TestKernel(t *testing.T) {
	root, err := harness.RepoRoot(".")
	require.NoError(t, err)
	tools := harness.Tools{Gonb: "/opt/tools/gonb", Goimports: "/opt/tools/goimports", Gopls: "/other/bin/gopls"}
	spec, err := tools.Kernel(root, true)
	require.NoError(t, err)
	assert.Equal(t, []string{"/opt/tools/gonb", "--kernel", "{connection_file}",
		"-go_work=" + root + "," + filepath.Join(root, "exercises"), "-raw_error=true"}, spec.Argv)
	assert.Equal(t, "Go (d2l-go)", spec.DisplayName)
	assert.Equal(t, "message", spec.InterruptMode, "GoNB turns an interrupt message into SIGINT for the cell's program")
	out, err := exec.Command("go", "env", "GOVERSION", "GOROOT").Output()
	require.NoError(t, err)
	goenv := strings.Fields(string(out))
	assert.Equal(t, goenv[0], spec.Env["GOTOOLCHAIN"])
	assert.Equal(t, filepath.Join(goenv[1], "bin")+":/opt/tools:/other/bin:${PATH}", spec.Env["PATH"],
		"the toolchain first, then the tools, then the PATH Jupyter was started with")
	assert.Equal(t, "-ldflags=-w -tags=osusergo", spec.Env["GOFLAGS"])
	goexp, ok := spec.Env["GOEXPERIMENT"]
	assert.True(t, ok && goexp == "", "cells build without GOEXPERIMENT whatever the shell exported")
	if p := spec.Env["GOPROXY"]; p != "" {
		assert.Regexp(t, `^file:///.*/cache/download,`, p, "the module cache first")
	}
	plain, err := tools.Kernel(root, false)
	require.NoError(t, err)
	assert.NotContains(t, plain.Argv, "-raw_error=true")

	dir := t.TempDir()
	assert.False(t, harness.KernelInstalled(dir, spec))
	require.NoError(t, harness.InstallKernel(dir, spec))
	assert.True(t, harness.KernelInstalled(dir, spec))
	assert.False(t, harness.KernelInstalled(dir, plain), "a kernel of other flags is not the one wanted")
	got, err := harness.InstalledKernel(dir)
	require.NoError(t, err)
	assert.Equal(t, spec, got)
	_, err = harness.Tools{}.Kernel(root, false)
	assert.ErrorContains(t, err, "Tools.Gonb")
}

func TestRepoRoot(t *testing.T) {
	root, err := harness.RepoRoot(".")
	require.NoError(t, err)
	assert.FileExists(t, filepath.Join(root, "chapter6", "README.md"))
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
