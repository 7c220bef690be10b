package main

import (
	"bufio"
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/d2l-go/d2l-go/d2l"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestTrainInterrupt builds the d2l command, starts a long training run, sends SIGINT once the
// first batches ran and checks that the command stops by itself after the batch it was in:
// exit status 130, the partial figures printed, no child process left.
func TestTrainInterrupt(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the command and trains; skipped with -short")
	}
	if _, err := os.Stat(filepath.Join(d2l.FashionMNISTDir, "train-images-idx3-ubyte.gz")); err != nil && os.Getenv("CI") == "" {
		t.Skipf("Fashion-MNIST not installed (sudo apt-get install dataset-fashion-mnist): %v", err)
	}
	bin := filepath.Join(t.TempDir(), "d2l")
	build := exec.Command("go", "build", "-o", bin, ".")
	out, err := build.CombinedOutput()
	require.NoError(t, err, "go build: %s", out)

	cmd := exec.Command(bin, "train", "lenet", "--epochs", "50", "--batch", "32", "--limit", "4000")
	cmd.Env = append(os.Environ(), "GOMLX_BACKEND=go")
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	var stdout bytes.Buffer
	cmd.Stdout = &stdout
	stderr, err := cmd.StderrPipe()
	require.NoError(t, err)
	require.NoError(t, cmd.Start())
	defer func() { _ = syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL) }() // only if the test failed

	// Wait for the end of the first epoch (stderr is a pipe: one line per epoch, no bar),
	// then interrupt during the second.
	var errText strings.Builder
	sc := bufio.NewScanner(stderr)
	sc.Split(func(data []byte, atEOF bool) (int, []byte, error) { // lines end in \r or \n
		for i, b := range data {
			if b == '\r' || b == '\n' {
				return i + 1, data[:i], nil
			}
		}
		if atEOF && len(data) > 0 {
			return len(data), data, nil
		}
		return 0, nil, nil
	})
	for sc.Scan() {
		errText.WriteString(sc.Text() + "\n")
		if strings.Contains(sc.Text(), "epoch 1/50:") {
			break
		}
	}
	require.Contains(t, errText.String(), "epoch 1/50:", "training did not start: %s", errText.String())
	assert.NotContains(t, errText.String(), "\x1b", "no progress bar frames into a pipe")
	require.NoError(t, cmd.Process.Signal(syscall.SIGINT))
	go func() {
		for sc.Scan() {
			errText.WriteString(sc.Text() + "\n")
		}
	}()
	waited := make(chan error, 1)
	go func() { waited <- cmd.Wait() }()
	select {
	case err = <-waited:
	case <-time.After(2 * time.Minute): // a guard against a hang, not a timing requirement
		t.Fatalf("d2l train did not stop after SIGINT; stdout %q", stdout.String())
	}
	var exitErr *exec.ExitError
	require.ErrorAs(t, err, &exitErr)
	assert.Equal(t, 130, exitErr.ExitCode())
	assert.Regexp(t, `^stopped in epoch 2/50 after \d+ of 125 batches\nloss \d\.\d{3}, train acc \d\.\d{3}, test acc \d\.\d{3}\n\d+\.\d examples/sec on cpu\n$`, stdout.String())
	// No process of the command's group is left.
	assert.ErrorIs(t, syscall.Kill(-cmd.Process.Pid, 0), syscall.ESRCH, "a process of the group is still running")
}
