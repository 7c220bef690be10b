package harness_test

import (
	"bufio"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/d2l-go/d2l-go/internal/harness"
)

// kernelClient is a Jupyter client (jupyter_client, which nbconvert runs on) that starts the
// d2l-go kernel in a new notebook's folder and, through Jupyter's messaging protocol, asks it
// what a student's Tab and Shift-Tab ask: a complete_request for the code up to the cursor,
// and an inspect_request for the name under it. gopls answers through GoNB; it loads the
// repository's packages the first time, so both are asked again until they answer or a few
// minutes have passed. It prints one JSON object.
const kernelClient = `
import json, sys, time
from jupyter_client.manager import start_new_kernel

km, kc = start_new_kernel(kernel_name=sys.argv[1], cwd=sys.argv[2], startup_timeout=120)
res = {"matches": [], "doc": ""}
try:
    imp = 'import "github.com/d2l-go/d2l-go/d2l"'
    kc.execute_interactive(imp, timeout=600, output_hook=lambda msg: None)
    code = imp + "\n\n%%\nY := d2l.Corr"
    deadline = time.time() + 300
    while time.time() < deadline and not res["matches"]:
        reply = kc.complete(code, len(code), reply=True, timeout=120)
        res["matches"] = reply["content"].get("matches", [])
        if not res["matches"]:
            time.sleep(2)
    code = imp + "\n\n%%\nY := d2l.Corr2D(X, K)"
    pos = code.index("Corr2D") + 3
    while time.time() < deadline and not res["doc"]:
        reply = kc.inspect(code, pos, detail_level=0, reply=True, timeout=120)
        data = reply["content"].get("data", {})
        res["doc"] = data.get("text/markdown") or data.get("text/plain") or ""
        if not res["doc"]:
            time.sleep(2)
finally:
    km.shutdown_kernel(now=True)
print(json.dumps(res))
`

// TestKernelCompletion starts the d2l-go kernel as Jupyter does and asks it, through Jupyter's
// protocol, to complete "d2l.Corr" (Tab) and to describe d2l.Corr2D (Shift-Tab): gopls, which
// `d2l setup` installs from tools/, must answer with d2l's functions and their doc comments.
// Skipped with -short, and without jupyter/gonb/gopls unless $CI is set.
func TestKernelCompletion(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a kernel and gopls; skipped with -short")
	}
	tools := harness.RequireTools(t)
	root, err := harness.RepoRoot(".")
	require.NoError(t, err)
	data := filepath.Join(t.TempDir(), "jupyter")
	spec, err := tools.Kernel(root, false)
	require.NoError(t, err)
	require.NoError(t, harness.InstallKernel(data, spec))
	python := scriptInterpreter(t, tools.Nbconvert)
	cmd := exec.Command(python, "-c", kernelClient, harness.KernelName, t.TempDir())
	cmd.Env = append(tools.Env(data), "XDG_CACHE_HOME="+filepath.Join(t.TempDir(), "cache"))
	var stderr strings.Builder
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	require.NoError(t, err, "the Jupyter client: %s", lastLines(stderr.String(), 20))
	var res struct {
		Matches []string
		Doc     string
	}
	require.NoError(t, json.Unmarshal(out, &res), "%s", out)
	assert.Contains(t, res.Matches, "Corr2D", "Tab after d2l.Corr")
	assert.Contains(t, res.Matches, "Corr2DMultiIn")
	assert.Contains(t, res.Doc, "Corr2D is the book's corr2d", "Shift-Tab on d2l.Corr2D shows its doc comment")
}

// scriptInterpreter returns the interpreter of a script's #! line: the Python that runs
// jupyter-nbconvert has jupyter_client.
func scriptInterpreter(t *testing.T, script string) string {
	t.Helper()
	f, err := os.Open(script)
	require.NoError(t, err)
	defer f.Close()
	line, _ := bufio.NewReader(f).ReadString('\n')
	fields := strings.Fields(strings.TrimPrefix(line, "#!"))
	require.NotEmpty(t, fields, "%s has no #! line", script)
	if filepath.Base(fields[0]) == "env" && len(fields) > 1 {
		p, err := exec.LookPath(fields[1])
		require.NoError(t, err)
		return p
	}
	return fields[0]
}

// lastLines returns the last n lines of s.
func lastLines(s string, n int) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	return strings.Join(lines[max(0, len(lines)-n):], "\n")
}
