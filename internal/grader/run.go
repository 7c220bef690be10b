package grader

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"
)

// harnessFile is injected into every package the grader builds. Its TestMain
// reports the result of m.Run on file descriptor 3, prefixed by a nonce the
// student's code never sees on stdout; a test that never reaches that line
// (os.Exit, a crash, a panic in a goroutine, a timeout) has failed.
const harnessFile = "zz_d2l_grader_main_test.go"

func harnessSource(pkg string) []byte {
	return []byte(`package ` + pkg + `

import (
	"fmt"
	"os"
	"testing"
)

func TestMain(m *testing.M) {
	nonce := os.Getenv("D2L_GRADER_NONCE")
	os.Unsetenv("D2L_GRADER_NONCE")
	code := m.Run()
	if f := os.NewFile(3, "d2l-grader-result"); f != nil && nonce != "" {
		fmt.Fprintf(f, "%s %d\n", nonce, code)
		f.Close()
	}
	os.Exit(code)
}
`)
}

// limitedBuffer keeps the first max bytes written to it.
type limitedBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
	max int
	cut bool
}

func (b *limitedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if room := b.max - b.buf.Len(); room < len(p) {
		if room > 0 {
			b.buf.Write(p[:room])
		}
		b.cut = true
		return len(p), nil
	}
	return b.buf.Write(p)
}

func (b *limitedBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	s := b.buf.String()
	if b.cut {
		s += "\n… (output cut)"
	}
	return s
}

// runOutcome is what one test process did.
type runOutcome struct {
	Passed bool
	Output string
	Reason string // why it failed, when the test did not report a result
}

// runTest runs one test function of a compiled test binary in its own process
// group, killing the group after timeout.
func runTest(ctx context.Context, bin, dir, test string, timeout time.Duration) runOutcome {
	nonceBytes := make([]byte, 16)
	_, _ = rand.Read(nonceBytes)
	nonce := hex.EncodeToString(nonceBytes)
	pr, pw, err := os.Pipe()
	if err != nil {
		return runOutcome{Reason: "grader error: " + err.Error()}
	}
	defer pr.Close()
	cmd := exec.Command(bin, "-test.run", "^"+test+"$", "-test.count=1", "-test.v",
		"-test.timeout="+(timeout+5*time.Second).String())
	cmd.Dir = dir
	cmd.Env = testEnv(nonce)
	out := &limitedBuffer{max: 16 << 10}
	cmd.Stdout, cmd.Stderr = out, out
	cmd.ExtraFiles = []*os.File{pw}
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if err := cmd.Start(); err != nil {
		pw.Close()
		return runOutcome{Reason: "could not start the test binary: " + err.Error()}
	}
	pw.Close()
	var result []byte
	readDone := make(chan struct{})
	go func() {
		result, _ = io.ReadAll(io.LimitReader(pr, 4096))
		close(readDone)
	}()
	waitDone := make(chan error, 1)
	go func() { waitDone <- cmd.Wait() }()
	timer := time.NewTimer(timeout)
	defer timer.Stop()
	var waitErr error
	timedOut := false
	select {
	case waitErr = <-waitDone:
	case <-timer.C:
		timedOut = true
	case <-ctx.Done():
		timedOut = true
	}
	if timedOut {
		_ = syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
		waitErr = <-waitDone
	}
	// Children that kept the pipe open are gone with the group; do not wait forever.
	_ = syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
	select {
	case <-readDone:
	case <-time.After(2 * time.Second):
	}
	ws := filepath.Dir(dir) + string(filepath.Separator)
	o := runOutcome{Output: condensePanic(strings.ReplaceAll(cleanOutput(out.String()), ws, ""))}
	code, reported := parseResult(result, nonce)
	switch {
	case timedOut:
		o.Reason = fmt.Sprintf("timed out after %s and was killed (an endless loop?)", timeout)
	case reported && code == 0:
		o.Passed = true
	case reported:
		o.Reason = "test failed"
	default:
		exit := -1
		var ee *exec.ExitError
		if errors.As(waitErr, &ee) {
			exit = ee.ExitCode()
		} else if waitErr == nil {
			exit = 0
		}
		switch {
		case exit == 0:
			o.Reason = "the program exited (status 0) before the test finished: does the code call os.Exit?"
		case strings.Contains(o.Output, "panic: TODO:"):
			o.Reason = "not written yet: the stub still panics with TODO"
		case strings.Contains(o.Output, "panic: test timed out"):
			o.Reason = "timed out (an endless loop?)"
		case strings.Contains(o.Output, "[recovered"):
			o.Reason = "the code panicked"
		case strings.Contains(o.Output, "panic:"):
			o.Reason = fmt.Sprintf("the program crashed (exit status %d): a panic outside the test, e.g. in a goroutine the code started", exit)
		default:
			o.Reason = fmt.Sprintf("the program stopped (exit status %d) before the test finished", exit)
		}
	}
	return o
}

func parseResult(b []byte, nonce string) (code int, ok bool) {
	for _, line := range strings.Split(string(b), "\n") {
		f := strings.Fields(line)
		if len(f) == 2 && f[0] == nonce {
			c, err := strconv.Atoi(f[1])
			return c, err == nil
		}
	}
	return 0, false
}

// cleanOutput drops go test's own bookkeeping lines, keeping messages.
func cleanOutput(s string) string {
	var keep []string
	for _, line := range strings.Split(s, "\n") {
		t := strings.TrimSpace(line)
		if strings.HasPrefix(t, "=== RUN") || t == "PASS" || t == "FAIL" || strings.HasPrefix(t, "=== PAUSE") || strings.HasPrefix(t, "=== CONT") {
			continue
		}
		keep = append(keep, line)
	}
	return strings.TrimSpace(strings.Join(keep, "\n"))
}

// condensePanic shortens a panic's goroutine dump to the message and the
// frames in the exercise packages (file:line), which is what a student needs.
func condensePanic(s string) string {
	i := strings.Index(s, "\ngoroutine ")
	if i < 0 || !strings.Contains(s[:i], "panic:") {
		return s
	}
	var frames []string
	for _, l := range strings.Split(s[i:], "\n") {
		t := strings.TrimSpace(l)
		if strings.HasPrefix(t, "sec6") || strings.HasPrefix(t, "fb_sec6") {
			if j := strings.Index(t, " +0x"); j > 0 {
				t = t[:j]
			}
			frames = append(frames, "    at "+t)
		}
	}
	return strings.TrimSpace(s[:i]) + "\n" + strings.Join(frames, "\n")
}

// testEnv is the environment of a test process: nothing of the grader's own
// environment but what a Go program needs.
func testEnv(nonce string) []string {
	env := []string{"D2L_GRADER_NONCE=" + nonce, "GOMAXPROCS=1", "HOME=" + os.TempDir(), "TMPDIR=" + os.TempDir()}
	for _, k := range []string{"PATH", "GOMLX_BACKEND", "LD_LIBRARY_PATH"} {
		if v, ok := os.LookupEnv(k); ok {
			env = append(env, k+"="+v)
		}
	}
	return env
}

// goEnv is the environment of the go command that builds a workspace: offline,
// no workspace file, no cgo, the module cache and build cache of the caller.
func goEnv() []string {
	env := os.Environ()
	return append(env, "GOFLAGS=-mod=mod", "GOWORK=off", "GOPROXY=off", "GOSUMDB=off", "GOTOOLCHAIN=local", "CGO_ENABLED=0")
}

// goBuild runs a go command in dir with a hard timeout, returning its output.
func goBuild(ctx context.Context, dir string, timeout time.Duration, args ...string) (string, error) {
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, "go", args...)
	cmd.Dir = dir
	cmd.Env = goEnv()
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	cmd.Cancel = func() error { return syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL) }
	cmd.WaitDelay = 5 * time.Second
	out := &limitedBuffer{max: 256 << 10}
	cmd.Stdout, cmd.Stderr = out, out
	err := cmd.Run()
	if ctx.Err() == context.DeadlineExceeded {
		return out.String(), fmt.Errorf("build timed out after %s", timeout)
	}
	return out.String(), err
}
