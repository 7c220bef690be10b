package grader

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestSandbox runs testdata/escape, a program that tries what a student's
// code would try if it got past the import allowlist, in the sandbox of the
// test processes, and checks that every attempt fails and nothing outside
// changed: the checkout, a class folder, an output folder.
func TestSandbox(t *testing.T) {
	bwrap, err := FindSandbox()
	require.NoError(t, err, "the grader's tests need bubblewrap")
	l, _ := testLayout(t)
	tmp := t.TempDir()
	bin := filepath.Join(tmp, "bin", "escape.test")
	build := exec.Command("go", "build", "-o", bin, "./testdata/escape")
	build.Env = append(os.Environ(), "CGO_ENABLED=0")
	out, err := build.CombinedOutput()
	require.NoError(t, err, "%s", out)
	for _, d := range []string{filepath.Dir(tmp), tmp, filepath.Dir(bin)} {
		require.NoError(t, os.Chmod(d, 0o711)) // the sandbox user binds the binary
	}
	class, outputs := filepath.Join(tmp, "class"), filepath.Join(tmp, "out")
	for _, d := range []string{class + "/alice/sec61", outputs + "/alice"} {
		require.NoError(t, os.MkdirAll(d, 0o755))
	}
	require.NoError(t, os.WriteFile(class+"/alice/sec61/conv1d.go", []byte("package sec61\n"), 0o644))
	require.NoError(t, os.WriteFile(outputs+"/gradebook.csv", []byte("student,total\nalice,10\n"), 0o644))
	require.NoError(t, os.WriteFile(outputs+"/alice/feedback.md", []byte("10/10\n"), 0o644))
	targets := []string{l.Root + "/go.mod", l.Hidden + "/sec62/sec62_hidden_test.go", l.Solutions + "/sec62/toeplitz.go",
		class + "/alice/sec61/conv1d.go", class, outputs + "/gradebook.csv", outputs, bin}
	before := map[string]string{}
	for _, d := range []string{class, outputs, l.Solutions, l.Hidden} {
		before[d] = treeDigest(t, d)
	}
	r := runner{bwrap: bwrap, limits: DefaultLimits, uid: noUser}
	if users, err := sandboxUsers(); err == nil {
		uid, release, err := users.acquire(context.Background())
		require.NoError(t, err)
		defer release()
		r.uid = uid
	}
	runEscapes(t, r, bin, []escapeCase{
		{"files@" + strings.Join(targets, ","), 5 * time.Second, "blocked: read /proc/self/environ"},
		{"fds", 5 * time.Second, ""},
		{"kill", 5 * time.Second, "blocked: still alive"},
		{"net", 5 * time.Second, "blocked: dial"},
		{"disk", 10 * time.Second, "wrote "},
		{"memory", 10 * time.Second, ""},
		{"output", 20 * time.Second, "output cut"},
		{"stall", 3 * time.Second, "started a detached child"},
		{"forkbomb", 10 * time.Second, ""},
		{"spin", 2 * time.Second, ""},
	}, before, nil)
}

// escapeCase is one attack of testdata/escape: its mode (and targets, after
// "@"), the test's time limit, and what its output must say.
type escapeCase struct {
	mode    string
	timeout time.Duration
	says    string
}

// runEscapes runs each attack through r and checks that it did not pass,
// reported no escape, said what it must, was ended in time and printed at
// most 20 KiB; check, when not nil, runs first on each outcome (it may edit
// the output) for what one sandbox adds. Then every tree in before must be
// unchanged and /pwned must not exist.
func runEscapes(t *testing.T, r runner, bin string, cases []escapeCase, before map[string]string, check func(t *testing.T, name string, o *runOutcome)) {
	t.Helper()
	for _, c := range cases {
		name, _, _ := strings.Cut(c.mode, "@")
		t.Run(name, func(t *testing.T) {
			start := time.Now()
			o := r.runTest(context.Background(), bin, c.mode, c.timeout)
			took := time.Since(start)
			t.Logf("%s: %s in %s\n%s", name, o.Reason, took.Round(time.Millisecond), truncate(o.Output, 600))
			assert.False(t, o.Passed)
			if check != nil {
				check(t, name, &o)
			}
			assert.NotContains(t, o.Output, "ESCAPED")
			assert.Contains(t, o.Output, c.says)
			assert.Less(t, took, c.timeout+3*time.Second, "the sandbox was not ended in time")
			assert.LessOrEqual(t, len(o.Output), 20<<10)
		})
	}
	for d, h := range before {
		assert.Equal(t, h, treeDigest(t, d), "%s changed", d)
	}
	_, err := os.Stat("/pwned")
	assert.True(t, os.IsNotExist(err))
}

// TestEnsureModulesOffline is a fresh clone without network: an empty module
// cache and GOPROXY=off. Grading must stop with one line saying what to run.
func TestEnsureModulesOffline(t *testing.T) {
	l, _ := testLayout(t)
	t.Setenv("GOMODCACHE", t.TempDir())
	t.Setenv("GOPROXY", "off")
	err := ensureModules(context.Background(), l)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "run `go mod download` in "+l.Root)
	assert.NotContains(t, err.Error(), "\n")
	_, err = GradeSubmission(context.Background(), &Submission{Name: "x"}, Options{Layout: l, Catalog: &Catalog{}, Reference: true, NoSandbox: true})
	require.Error(t, err)
	assert.Contains(t, err.Error(), "go mod download")
}

// TestNoSandbox: without bwrap on PATH the grader refuses in one line that
// says how to install it and how to go on without it.
func TestNoSandbox(t *testing.T) {
	t.Setenv("PATH", t.TempDir())
	_, err := checkSandbox()
	require.ErrorIs(t, err, ErrNoSandbox)
	assert.Contains(t, err.Error(), "apt-get install bubblewrap")
	assert.Contains(t, err.Error(), "-unsafe-no-sandbox")
	assert.NotContains(t, err.Error(), "\n")
}

// TestUnsafeNoSandboxSays: grading without the sandbox still grades, and the
// report says it was unconfined.
func TestUnsafeNoSandboxSays(t *testing.T) {
	l, cat := testLayout(t)
	sub, err := LoadSubmission(l.Solutions, cat)
	require.NoError(t, err)
	res, err := GradeSubmission(context.Background(), sub, Options{Layout: l, Catalog: cat, Reference: true, Hidden: true, NoSandbox: true, Only: []string{"6.3-1"}})
	require.NoError(t, err)
	assert.Equal(t, res.Max, res.Score)
	assert.Contains(t, Feedback(res), "WITHOUT a sandbox")
}

// TestGradeAllInterrupted: a run interrupted (SIGINT/SIGTERM cancel the
// context) returns at once, with ErrInterrupted and only finished students.
func TestGradeAllInterrupted(t *testing.T) {
	l, cat := testLayout(t)
	subs := t.TempDir()
	for _, s := range []string{"alice", "bob"} {
		copyTree(t, filepath.Join(l.Solutions, "sec63"), filepath.Join(subs, s, "sec63"), nil)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	start := time.Now()
	res, err := GradeAll(ctx, subs, Options{Layout: l, Catalog: cat, Reference: true, Hidden: true, Only: []string{"6.3-1"}})
	require.ErrorIs(t, err, ErrInterrupted)
	assert.Empty(t, res)
	assert.Less(t, time.Since(start), 30*time.Second)
}

// TestRunTestHeldDescriptor: a detached child (here unconfined: outside the
// sandbox's PID namespace) keeps the result descriptor open after the test
// exits. runTest gives up on it after two seconds and never reads the result
// while its reader goroutine may still write it (go test -race checks it: .ci/run).
func TestRunTestHeldDescriptor(t *testing.T) {
	bin := filepath.Join(t.TempDir(), "escape.test")
	build := exec.Command("go", "build", "-o", bin, "./testdata/escape")
	build.Env = append(os.Environ(), "CGO_ENABLED=0")
	out, err := build.CombinedOutput()
	require.NoError(t, err, "%s", out)
	start := time.Now()
	o := runner{limits: DefaultLimits, uid: noUser}.runTest(context.Background(), bin, "holdfd", 5*time.Second)
	assert.False(t, o.Passed)
	assert.Contains(t, o.Output, "started a detached child holding descriptor 3")
	assert.Less(t, time.Since(start), 3*time.Second, "runTest waited for the detached child")
	// The child exits now: a reader left running would write its result while
	// the test binary still runs, where the race detector sees it.
	time.Sleep(time.Until(start.Add(3500 * time.Millisecond)))
}

// TestBuildSandbox runs a program through the sandboxed go command of a
// submission's build (go run: the program runs where the compiler would): it
// runs as the submission's sandbox user, sees neither the checkout nor the
// instructor's build cache, cannot change the trusted build cache it reads
// (mounted read-only), writes its own entries into the submission's cache
// only, and its limits hold (a file larger than the build's limit is cut).
func TestBuildSandbox(t *testing.T) {
	l, cat := testLayout(t)
	ctx := context.Background()
	opt := Options{Layout: l, Catalog: cat, Reference: true}
	done, err := opt.prepare(ctx)
	require.NoError(t, err)
	defer done()
	uid := noUser
	if opt.users != nil {
		u, release, err := opt.users.acquire(ctx)
		require.NoError(t, err)
		defer release()
		uid = u
	}
	ws, err := os.MkdirTemp("", "d2l-probe-")
	require.NoError(t, err)
	defer removeTree(ws)
	require.NoError(t, os.Chmod(ws, 0o755)) // the probe is the module's root package: go lists it
	for _, d := range []string{"bin", "tmp", "cache"} {
		require.NoError(t, os.Mkdir(filepath.Join(ws, d), 0o700))
		require.NoError(t, chownTo(filepath.Join(ws, d), uid))
	}
	var trusted string // an entry of the trusted cache
	_ = filepath.WalkDir(opt.prep.cache, func(p string, d os.DirEntry, err error) error {
		if err == nil && trusted == "" && d.Type().IsRegular() && strings.HasSuffix(p, "-d") {
			trusted = p
		}
		return nil
	})
	require.NotEmpty(t, trusted)
	before := cacheFiles(t, opt.prep.cache)
	probe := `package main

import (
	"fmt"
	"os"
)

func main() {
	fmt.Printf("uid=%d\n", os.Getuid())
	for _, p := range os.Args[1:3] {
		if _, err := os.ReadFile(p); err != nil {
			fmt.Println("blocked: read", p)
		}
	}
	if f, err := os.OpenFile(os.Args[3], os.O_WRONLY|os.O_APPEND, 0); err != nil {
		fmt.Println("blocked: write the trusted cache")
	} else {
		f.Close()
	}
	if err := os.WriteFile(os.Args[3]+".new", nil, 0o644); err != nil {
		fmt.Println("blocked: add to the trusted cache")
	}
	err := os.WriteFile("tmp/big", make([]byte, 200<<20), 0o644)
	fmt.Println("big file:", err)
}
`
	require.NoError(t, os.WriteFile(filepath.Join(ws, "go.mod"), []byte("module probe\n\ngo 1.22\n"), 0o644))
	require.NoError(t, os.WriteFile(filepath.Join(ws, "main.go"), []byte(probe), 0o644))
	c := goCommand{prep: opt.prep, ws: ws, cache: filepath.Join(ws, "cache"), uid: uid, bwrap: opt.bwrap, jail: opt.jail != nil, limits: DefaultBuildLimits, timeout: time.Minute}
	checkout := filepath.Join(l.Root, "go.mod")
	gocache, err := exec.Command("go", "env", "GOCACHE").Output()
	require.NoError(t, err)
	instructor := filepath.Join(strings.TrimSpace(string(gocache)), "README")
	stdout, stderr, err := c.run(ctx, "run", ".", checkout, instructor, trusted)
	t.Logf("stdout:\n%s\nstderr:\n%s", stdout, stderr)
	require.NoError(t, err)
	if uid != noUser {
		assert.Contains(t, stdout, fmt.Sprintf("uid=%d\n", uid), "the build runs as the submission's user")
		assert.Contains(t, stdout, "blocked: read "+instructor)
	}
	if opt.bwrap != "" {
		assert.Contains(t, stdout, "blocked: read "+checkout)
	}
	assert.Contains(t, stdout, "blocked: write the trusted cache")
	assert.Contains(t, stdout, "blocked: add to the trusted cache")
	assert.Equal(t, before, cacheFiles(t, opt.prep.cache), "the build changed the trusted cache")
	n := 0
	_ = filepath.WalkDir(filepath.Join(ws, "cache"), func(p string, d os.DirEntry, err error) error {
		if err == nil && strings.HasSuffix(p, "-a") {
			n++
		}
		return nil
	})
	assert.NotZero(t, n, "the build wrote no entry into the submission's own cache")
	assert.Contains(t, stdout, "big file: write tmp/big: file too large",
		"a 200 MiB file was written under a %d MiB limit", DefaultBuildLimits.FileSize>>20)
}
