package main

import (
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func writeLines(t *testing.T, lines ...string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "r.jsonl")
	require.NoError(t, os.WriteFile(p, []byte(strings.Join(lines, "\n")+"\n"), 0o644))
	return p
}

func TestReadResultsKeepsFasterRun(t *testing.T) {
	p := writeLines(t,
		`# a comment line is skipped`,
		`{"case":"conv1_fwd","ms":2.0,"cpu_ms":3.0}`,
		`{"case":"conv1_fwd","ms":1.5,"cpu_ms":2.5}`,
		`{"case":"conv2_fwd","ms":1.0}`,
		`{"case":"conv2_fwd","ms":9.0}`,
		`{"case":"lenet_step256","err":"boom"}`,
		`{"case":"lenet_step256","ms":40}`,
	)
	res, err := readResults(p)
	require.NoError(t, err)
	assert.Equal(t, 1.5, res["conv1_fwd"].MS)
	assert.Equal(t, 2.5, res["conv1_fwd"].CPUMS)
	assert.Equal(t, 1.0, res["conv2_fwd"].MS)
	assert.Equal(t, 40.0, res["lenet_step256"].MS, "a success replaces an error")
	assert.Empty(t, res["lenet_step256"].Err)

	_, err = readResults(writeLines(t, `{"case": broken`))
	assert.Error(t, err)
}

func TestCaseCommand(t *testing.T) {
	// A test binary has no GOEXPERIMENT build setting unless built with one.
	cmd := caseCommand("onnx", "conv2_fwd")
	assert.True(t, strings.HasSuffix(cmd, "go run ./bench -backend onnx -cases conv2_fwd"), cmd)
	assert.True(t, strings.HasSuffix(caseCommand("", "x"), "go run ./bench -cases x"))
}

func TestPrintTable(t *testing.T) {
	torch := writeLines(t, `{"case":"conv1_fwd","ms":2,"cpu_ms":4}`, `{"case":"lenet_step256","ms":40,"cpu_ms":80}`)
	goRes := writeLines(t, `{"case":"conv1_fwd","ms":3,"cpu_ms":2}`, `{"case":"lenet_step256","err":"no op"}`)
	onnxRes := writeLines(t, `{"case":"conv1_fwd","ms":1,"cpu_ms":4,"cmd":"go run ./bench -backend onnx -cases conv1_fwd"}`)
	out := captureStdout(t, func() { require.NoError(t, printTable([]string{torch, "pure Go=" + goRes, "ONNX Runtime=" + onnxRes})) })
	assert.Contains(t, out, "**pure Go** (")
	assert.Contains(t, out, "CPUs; PyTorch: `python3 bench/torch_bench.py 2 SECONDS CASE`")
	assert.Contains(t, out, "| case | PyTorch ms | d2l ms | ratio | CPU ratio | d2l command |")
	assert.Contains(t, out, "| "+labels["conv1_fwd"]+" | 2.00 | 3.00 | 1.50× | 0.50× | – |")
	assert.Contains(t, out, "| "+labels["lenet_step256"]+" | 40.0 | fails | – | – | – |")
	assert.Contains(t, out, "pure Go lenet_step256 fails: no op")
	assert.Contains(t, out, "**ONNX Runtime** (")
	assert.Contains(t, out, "| "+labels["conv1_fwd"]+" | 2.00 | 1.00 | 0.50× | 1.00× | `go run ./bench -backend onnx -cases conv1_fwd` |")
	assert.Contains(t, out, "| "+labels["lenet_step256"]+" | 40.0 | – | – | – | – |")

	assert.Error(t, printTable(nil))
	assert.Error(t, printTable([]string{torch, "nofile"}))
}

// captureStdout returns what f prints to os.Stdout.
func captureStdout(t *testing.T, f func()) string {
	t.Helper()
	r, w, err := os.Pipe()
	require.NoError(t, err)
	old := os.Stdout
	os.Stdout = w
	done := make(chan string)
	go func() {
		b, _ := io.ReadAll(r)
		done <- string(b)
	}()
	f()
	os.Stdout = old
	require.NoError(t, w.Close())
	return <-done
}
