package harness

import (
	"context"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// alive reports whether pid runs (a zombie waiting to be reaped counts as ended).
func alive(pid int) bool {
	b, err := os.ReadFile(filepath.Join("/proc", strconv.Itoa(pid), "stat"))
	if err != nil {
		return syscall.Kill(pid, 0) == nil
	}
	s := string(b)
	if i := strings.LastIndexByte(s, ')'); i >= 0 && i+2 < len(s) {
		return s[i+2] != 'Z'
	}
	return true
}

// fakeNbconvert writes a stand-in for jupyter nbconvert that starts a "kernel" in a session of
// its own (as Jupyter does), records both process ids in dir/pids and then waits (or exits at
// once when exitNow).
func fakeNbconvert(t *testing.T, dir string, exitNow bool) string {
	t.Helper()
	if _, err := os.Stat("/proc/self/environ"); err != nil {
		t.Skip("needs /proc")
	}
	if _, err := os.Stat("/usr/bin/setsid"); err != nil {
		t.Skip("needs setsid")
	}
	end := "exec sleep 300"
	if exitNow {
		end = "exit 3"
	}
	script := "#!/bin/sh\n/usr/bin/setsid sleep 300 &\necho \"$$ $!\" > " + filepath.Join(dir, "pids.tmp") +
		"\nmv " + filepath.Join(dir, "pids.tmp") + " " + filepath.Join(dir, "pids") + "\n" + end + "\n"
	path := filepath.Join(dir, "nbconvert")
	require.NoError(t, os.WriteFile(path, []byte(script), 0o755))
	return path
}

func readPids(t *testing.T, dir string) []int {
	t.Helper()
	var pids []int
	for range 500 {
		if b, err := os.ReadFile(filepath.Join(dir, "pids")); err == nil {
			for _, f := range strings.Fields(string(b)) {
				pid, err := strconv.Atoi(f)
				require.NoError(t, err)
				pids = append(pids, pid)
			}
			return pids
		}
		time.Sleep(20 * time.Millisecond)
	}
	t.Fatal("the fake nbconvert did not start")
	return nil
}

// TestExecuteCancelLeavesNoProcess: when ctx ends, Execute returns and neither nbconvert nor
// the kernel it started in another session (nor anything else of the run) is left running.
func TestExecuteCancelLeavesNoProcess(t *testing.T) {
	dir := t.TempDir()
	r := &Runner{Tools: Tools{Nbconvert: fakeNbconvert(t, dir, false)}, DataDir: dir, OutDir: filepath.Join(dir, "out")}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() {
		_, err := r.Execute(ctx, filepath.Join(dir, "x.ipynb"))
		done <- err
	}()
	pids := readPids(t, dir)
	require.Len(t, pids, 2)
	for _, pid := range pids {
		require.True(t, alive(pid), "process %d runs before the cancellation", pid)
	}
	cancel()
	select {
	case err := <-done:
		require.ErrorIs(t, err, context.Canceled)
	case <-time.After(time.Minute): // a guard against a hang, not a timing requirement
		t.Fatal("Execute did not return after its context ended")
	}
	for _, pid := range pids {
		assert.False(t, alive(pid), "process %d is still running", pid)
	}
}

// TestExecuteLeavesNoKernel: a kernel left behind by an nbconvert that ended on its own is
// killed too.
func TestExecuteLeavesNoKernel(t *testing.T) {
	dir := t.TempDir()
	r := &Runner{Tools: Tools{Nbconvert: fakeNbconvert(t, dir, true)}, DataDir: dir, OutDir: filepath.Join(dir, "out")}
	_, err := r.Execute(context.Background(), filepath.Join(dir, "x.ipynb"))
	require.Error(t, err)
	pids := readPids(t, dir)
	assert.False(t, alive(pids[1]), "the kernel %d is still running", pids[1])
}
