package grader

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"syscall"
	"time"
)

// harnessFile is injected into every package the grader builds. Its TestMain
// reads a nonce from file descriptor 4 and reports the result of m.Run on file
// descriptor 3, prefixed by that nonce; before the tests run it hands testutil
// a reporter that writes each blind failure message (testutil.SetReporter) on
// the same descriptor, so that the feedback of a hidden test comes from there
// and never from what the process printed. Student code cannot reach either
// descriptor: the import allowlist forbids os, syscall and the like, the
// harness is in the external test package, and the sandbox has no /proc. The
// harness line is one of three pieces of evidence a pass needs (see runTest);
// none of them is text the student's code can print.
const harnessFile = "zz_d2l_grader_main_test.go"

func harnessSource(pkg string) []byte {
	return []byte(`package ` + pkg + `_test

import (
	"fmt"
	"io"
	"os"
	"sync"
	"testing"

	"` + exercisesPrefix + `testutil"
)

func TestMain(m *testing.M) {
	var nonce []byte
	if in := os.NewFile(4, "d2l-grader-nonce"); in != nil {
		nonce, _ = io.ReadAll(io.LimitReader(in, 64))
		in.Close()
	}
	out := os.NewFile(3, "d2l-grader-result")
	if out != nil && len(nonce) > 0 {
		var mu sync.Mutex
		testutil.SetReporter(func(test, msg string) {
			mu.Lock()
			defer mu.Unlock()
			fmt.Fprintf(out, "%s note %q %q\n", nonce, test, msg)
		})
	}
	code := m.Run()
	if out != nil && len(nonce) > 0 {
		fmt.Fprintf(out, "%s %d\n", nonce, code)
		out.Close()
	}
	os.Exit(code)
}
`)
}

// limitedBuffer keeps the first max bytes written to it and the last 4 KiB,
// counting what it dropped.
type limitedBuffer struct {
	mu      sync.Mutex
	buf     bytes.Buffer
	tail    []byte
	max     int
	dropped int64
}

const tailKeep = 4 << 10

func (b *limitedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	n := len(p)
	if room := b.max - b.buf.Len(); room > 0 {
		k := min(room, len(p))
		b.buf.Write(p[:k])
		p = p[k:]
	}
	if len(p) > 0 {
		b.dropped += int64(len(p))
		b.tail = append(b.tail, p...)
		if len(b.tail) > 2*tailKeep {
			b.tail = append(b.tail[:0], b.tail[len(b.tail)-tailKeep:]...)
		}
	}
	return n, nil
}

// String is the kept head, with a note on what was dropped.
func (b *limitedBuffer) String() string { return b.note() + b.head() }

func (b *limitedBuffer) head() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// note says how much was dropped, or "".
func (b *limitedBuffer) note() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.dropped == 0 {
		return ""
	}
	return fmt.Sprintf("(output cut after %d bytes: %d more bytes dropped)\n", b.max, b.dropped)
}

// framing is the head and the tail, for finding the test's own result lines.
func (b *limitedBuffer) framing() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	t := b.tail
	if len(t) > tailKeep {
		t = t[len(t)-tailKeep:]
	}
	return b.buf.String() + "\n" + string(t)
}

// runOutcome is what one test process did.
type runOutcome struct {
	Passed bool
	Output string   // what the process printed, cleaned
	Reason string   // why it failed, when the test did not report a result
	Notes  []string // the blind failure messages of the test, from the harness's descriptor
}

// maxReport bounds what the harness's descriptor is read for (result line and notes).
const maxReport = 64 << 10

// runner runs compiled test binaries in bubblewrap (bwrap), in the jail
// (jail), or unconfined when both are unset; as uid, the submission's sandbox
// user, unless noUser.
type runner struct {
	bwrap  string
	jail   *Jail
	uid    int
	limits Limits
	clean  func(string) string // removes workspace and instructor paths from output
}

// command returns the command that runs one test process.
func (r runner) command(bin string, args []string, cpu time.Duration) (*exec.Cmd, error) {
	if r.jail != nil {
		return r.jail.command(r.uid, bin, args, r.limits, cpu)
	}
	return sandboxCommand(r.bwrap, bin, args, r.limits, cpu, r.uid), nil
}

// runTest runs one test function (or, with test "", none: a start-up probe)
// of a compiled test binary in its own sandboxed process, killing the whole
// sandbox after timeout.
//
// The test passes only on three pieces of evidence, none of which the
// student's code can forge with the packages it may import: (1) the exit
// status of the process, as the kernel reports it, is 0; (2) the harness's
// TestMain wrote "<nonce> 0" on file descriptor 3, with a nonce given on file
// descriptor 4 (never in the environment, the arguments or a file); (3) the
// testing package's own test2json framing shows "--- PASS" for exactly that
// test name, which was selected by the anchored -test.run. Text printed on
// stdout never counts by itself: a student can print framing lines, but not
// change the exit status (no os.Exit, no flag or os.Args access) or write to
// descriptor 3.
func (r runner) runTest(ctx context.Context, bin, test string, timeout time.Duration) runOutcome {
	nonceBytes := make([]byte, 16)
	_, _ = rand.Read(nonceBytes)
	nonce := hex.EncodeToString(nonceBytes)
	pr, pw, err := os.Pipe()
	if err != nil {
		return runOutcome{Reason: "grader error: " + err.Error()}
	}
	defer pr.Close()
	nr, nw, err := os.Pipe()
	if err != nil {
		pw.Close()
		return runOutcome{Reason: "grader error: " + err.Error()}
	}
	run := "^" + test + "$"
	if test == "" {
		run = "^$"
	}
	args := []string{"-test.run", run, "-test.count=1", "-test.v=test2json", "-test.paniconexit0",
		"-test.timeout=" + (timeout + 5*time.Second).String()}
	cmd, err := r.command(bin, args, 2*timeout+5*time.Second)
	if err != nil {
		pw.Close()
		nr.Close()
		nw.Close()
		return runOutcome{Reason: "grader error: " + err.Error()}
	}
	cmd.Dir = os.TempDir()
	cmd.Env = testEnv(r.bwrap != "" || r.jail != nil)
	out := &limitedBuffer{max: r.limits.Output}
	cmd.Stdout, cmd.Stderr = out, out
	cmd.ExtraFiles = []*os.File{pw, nr}
	// A child that outlived the test (possible only outside bubblewrap's PID
	// namespace) may hold the output open: stop copying it a second after the
	// test's process exits.
	cmd.WaitDelay = time.Second
	if err := cmd.Start(); err != nil {
		pw.Close()
		nr.Close()
		nw.Close()
		return runOutcome{Reason: "could not start the test binary: " + err.Error()}
	}
	pw.Close()
	nr.Close()
	_, _ = nw.Write([]byte(nonce))
	nw.Close()
	resultCh := make(chan []byte, 1)
	go func() {
		b, _ := io.ReadAll(io.LimitReader(pr, maxReport))
		resultCh <- b
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
		if r.jail != nil {
			killUser(r.uid) // a detached child may hold the output open
		}
		waitErr = <-waitDone
	}
	// Children that kept the pipe open are gone with the group (and, in
	// bubblewrap, with its PID namespace; in the jail, with its user); do not
	// wait forever.
	_ = syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
	if r.jail != nil {
		killUser(r.uid) // in bubblewrap, the PID namespace died with the process
	}
	var result []byte
	select {
	case result = <-resultCh:
	case <-time.After(2 * time.Second):
		// Something still holds the descriptor open: closing our end ends the
		// read, and the reader hands over what it read before.
		pr.Close()
		result = <-resultCh
	}
	text := out.head()
	if r.clean != nil {
		text = r.clean(text)
	}
	o := runOutcome{Output: strings.TrimSpace(out.note() + "\n" + truncate(condensePanic(cleanOutput(text)), 16<<10))}
	code, reported := parseResult(result, nonce)
	o.Notes = parseNotes(result, nonce, test)
	exit := -1
	if cmd.ProcessState != nil {
		exit = cmd.ProcessState.ExitCode() // -1 when killed by a signal
	}
	o.Passed, o.Reason = decide(evidence{
		test: test, timeout: timeout, timedOut: timedOut, interrupted: timedOut && ctx.Err() != nil,
		reported: reported, code: code, exit: exit, killed: strings.Contains(fmt.Sprint(waitErr), "killed") || cmd.ProcessState != nil && strings.Contains(cmd.ProcessState.String(), "killed"),
		framed: test == "" || passFramed(out.framing(), test), output: o.Output, memory: r.limits.Memory,
	})
	return o
}

// testDuration is the "(0.01s)" go test writes after a test's name in its result line.
var testDuration = regexp.MustCompile(`^(\s*--- (?:PASS|FAIL|SKIP): \S+) \(\d+\.\d+s\)$`)

// testMarks are the bytes the testing package writes for test2json (framing,
// and the start and end of an error's text): never part of a message.
var testMarks = strings.NewReplacer("\x16", "", "\x0e", "", "\x0f", "")

// addressRE matches what changes from run to run in a crash report: goroutine
// numbers, addresses and program counters.
var (
	// panicPrefix is the place the testing package gives a message logged
	// while a panic unwinds (the runtime's own file): not the student's code.
	panicPrefix = regexp.MustCompile(`^(\s*)panic\.go:\d+: `)
	addressRE   = regexp.MustCompile(`\b0x[0-9a-f]{6,16}\b|goroutine \d+`)
	pcRE        = regexp.MustCompile(` \+0x[0-9a-f]+`)
)

// cleanOutput drops go test's own bookkeeping lines (the test's own result line
// among them: the report names the test), the durations of its subtests' result
// lines, the test2json marks, and what changes from run to run in a crash
// (goroutine numbers, addresses), keeping messages, so that the same submission
// gets the same report on every run.
func cleanOutput(s string) string {
	var keep []string
	for _, line := range strings.Split(s, "\n") {
		line = testMarks.Replace(line)
		t := strings.TrimSpace(line)
		if strings.HasPrefix(t, "=== NAME") || strings.HasPrefix(t, "=== RUN") || t == "PASS" || t == "FAIL" || strings.HasPrefix(t, "=== PAUSE") || strings.HasPrefix(t, "=== CONT") {
			continue
		}
		if m := testDuration.FindStringSubmatch(line); m != nil && !strings.Contains(m[1], "/") && !strings.HasPrefix(line, " ") {
			continue // "--- FAIL: TestA (0.01s)": the report says so already
		}
		line = panicPrefix.ReplaceAllString(testDuration.ReplaceAllString(line, "$1"), "${1}")
		keep = append(keep, addressRE.ReplaceAllStringFunc(pcRE.ReplaceAllString(line, ""), func(m string) string {
			if strings.HasPrefix(m, "goroutine") {
				return "goroutine N"
			}
			return "0x…"
		}))
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
		if (strings.HasPrefix(t, "sec6") || strings.HasPrefix(t, "fb_sec6") || strings.HasPrefix(t, "r2_sec6")) && !strings.Contains(t, "hidden test") {
			if j := strings.Index(t, " +0x"); j > 0 {
				t = t[:j]
			}
			frames = append(frames, "    at "+t)
		}
	}
	return strings.TrimSpace(s[:i]) + "\n" + strings.Join(frames, "\n")
}

// testEnv is the environment of a test process: nothing of the grader's own
// environment but what a Go program needs (no secret: the nonce travels on a
// file descriptor).
func testEnv(sandboxed bool) []string {
	tmp := os.TempDir()
	if sandboxed {
		tmp = "/tmp"
	}
	env := []string{"GOMAXPROCS=1", "HOME=" + tmp, "TMPDIR=" + tmp, "PATH=/usr/bin:/bin"}
	if v, ok := os.LookupEnv("GOMLX_BACKEND"); ok {
		env = append(env, "GOMLX_BACKEND="+v)
	}
	return env
}

// goEnv is the environment of the go command that builds a workspace: offline,
// no workspace file, no cgo, the module cache, build cache and Go toolchain
// (GOTOOLCHAIN) of the caller.
func goEnv() []string {
	env := os.Environ()
	return append(env, "GOFLAGS=-mod=mod", "GOWORK=off", "GOPROXY=off", "GOSUMDB=off", "CGO_ENABLED=0")
}

// goBuild runs a go command in dir with a hard timeout and the caller's
// environment (goEnv), returning its standard output and error: the build of
// d2l check, a student's own code on their own machine.
func goBuild(ctx context.Context, dir string, timeout time.Duration, env []string, args ...string) (stdout, stderr string, err error) {
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, "go", args...)
	cmd.Dir = dir
	cmd.Env = append(goEnv(), env...)
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	cmd.Cancel = func() error { return syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL) }
	cmd.WaitDelay = 5 * time.Second
	outBuf, errBuf := &limitedBuffer{max: 1 << 20}, &limitedBuffer{max: 256 << 10}
	cmd.Stdout, cmd.Stderr = outBuf, errBuf
	err = cmd.Run()
	if ctx.Err() == context.DeadlineExceeded {
		return outBuf.head(), errBuf.String(), fmt.Errorf("build timed out after %s", timeout)
	}
	return outBuf.head(), errBuf.String(), err
}

// pathCleaner returns a function that removes the given folders (workspace,
// snapshot, checkout) from text shown to students, and hidden test files.
func pathCleaner(dirs ...string) func(string) string {
	return func(s string) string {
		for _, d := range dirs {
			if d == "" || d == "/" {
				continue
			}
			s = strings.ReplaceAll(s, d+string(os.PathSeparator), "")
			s = strings.ReplaceAll(s, d, ".")
		}
		return hideHidden(s)
	}
}

var modulesReady sync.Map // root -> error

// ensureModules makes sure the module cache holds what the test builds need,
// since the builds run offline (GOPROXY=off): it loads the reference packages
// and their tests offline and, when something is missing, once more with the
// caller's own GOPROXY, which downloads it. Without network it fails with one
// line saying what to run.
func ensureModules(ctx context.Context, l Layout) error {
	root, _ := filepath.Abs(l.Root)
	key := root + "\x00" + os.Getenv("GOMODCACHE") + "\x00" + os.Getenv("GOPROXY")
	if err, ok := modulesReady.Load(key); ok {
		e, _ := err.(error)
		return e
	}
	dir, pkgs := root, "./solutions/..."
	if !fileExists(filepath.Join(l.Solutions, "doc.go")) && fileExists(filepath.Join(l.Exercises, "go.mod")) {
		dir, pkgs = l.Exercises, "./..."
	}
	list := func(env []string) (string, error) {
		ctx, cancel := context.WithTimeout(ctx, 5*time.Minute)
		defer cancel()
		cmd := exec.CommandContext(ctx, "go", "list", "-deps", "-test", pkgs)
		cmd.Dir, cmd.Env = dir, env
		out := &limitedBuffer{max: 64 << 10}
		cmd.Stderr = out
		err := cmd.Run()
		return out.head(), err
	}
	// -mod=readonly: never touch the checkout's go.mod.
	base := append(os.Environ(), "GOFLAGS=-mod=readonly", "GOWORK=off", "CGO_ENABLED=0")
	var err error
	if _, offErr := list(append(base, "GOPROXY=off", "GOSUMDB=off")); offErr != nil {
		online := base
		if out, onErr := list(online); onErr != nil {
			why := firstLine(strings.TrimSpace(out))
			for _, line := range strings.Split(out, "\n") {
				if strings.Contains(line, "module lookup disabled") || strings.Contains(line, "dial tcp") || strings.Contains(line, "missing") {
					why = strings.TrimSpace(line)
					break
				}
			}
			err = fmt.Errorf("the Go modules the tests need are not in the module cache and could not be downloaded (%s); run `go mod download` in %s with network access, then try again", why, dir)
		}
	}
	modulesReady.Store(key, err)
	return err
}
