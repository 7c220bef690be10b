package grader

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestJail runs testdata/escape in the jail, the sandbox of containers where
// bubblewrap cannot create namespaces (Gradescope's), and checks that every
// attempt fails: above all, reading a hidden test in a folder only root may
// enter (/autograder/source, made 0700 by setup.sh), the checkout's hidden
// tests and solutions, a snapshot, a class and an output folder. The jail has
// no network namespace, so "net" is not tried, and no PID namespace: kill(-1)
// then returns 0 whenever another process exists, even when it may signal
// none (kernel/signal.c), so for "kill" the test checks instead that the
// grader and a process of another jail user (another student's test) survive.
// After each attack no process of the jail's user is left.
func TestJail(t *testing.T) {
	if os.Geteuid() != 0 {
		t.Skip("the jail needs root (chroot, a user of its own)")
	}
	j, err := FindJail()
	require.NoError(t, err)
	users, err := sandboxUsers()
	require.NoError(t, err)
	uid, release, err := users.acquire(context.Background())
	require.NoError(t, err)
	defer release()
	other, releaseOther, err := users.acquire(context.Background())
	require.NoError(t, err)
	defer releaseOther()
	sentinel := exec.Command("sleep", "60")
	sentinel.SysProcAttr = &syscall.SysProcAttr{Credential: &syscall.Credential{Uid: uint32(other), Gid: uint32(other)}}
	require.NoError(t, sentinel.Start())
	defer func() { _ = sentinel.Process.Kill(); _ = sentinel.Wait() }()
	l, cat := testLayout(t)
	tmp := t.TempDir()
	bin := filepath.Join(tmp, "bin", "escape.test")
	build := exec.Command("go", "build", "-o", bin, "./testdata/escape")
	build.Env = append(os.Environ(), "CGO_ENABLED=0")
	out, err := build.CombinedOutput()
	require.NoError(t, err, "%s", out)
	// What a container holds: the autograder's source, readable by root only,
	// and the grader's snapshot and workspaces, readable by everyone.
	source := filepath.Join(tmp, "autograder", "source")
	secret := filepath.Join(source, "internal", "grader", "hidden", "sec64", "sec64_hidden_test.go")
	require.NoError(t, os.MkdirAll(filepath.Dir(secret), 0o755))
	require.NoError(t, os.WriteFile(secret, []byte("package sec64 // hidden\n"), 0o644))
	require.NoError(t, os.Chmod(source, 0o700))
	prep, err := prepareBuilds(context.Background(), l, cat, DefaultCacheDir(), 5*time.Minute)
	require.NoError(t, err)
	snap := NewLayout(prep.src)
	class, outputs := filepath.Join(tmp, "class"), filepath.Join(tmp, "out")
	for _, d := range []string{class + "/alice/sec61", outputs + "/alice"} {
		require.NoError(t, os.MkdirAll(d, 0o755))
	}
	require.NoError(t, os.WriteFile(class+"/alice/sec61/conv1d.go", []byte("package sec61\n"), 0o644))
	require.NoError(t, os.WriteFile(outputs+"/gradebook.csv", []byte("student,total\nalice,10\n"), 0o644))
	targets := []string{secret, source, "/autograder/source/internal/grader/hidden/sec64/sec64_hidden_test.go",
		filepath.Join(snap.Hidden, "sec64", "sec64_hidden_test.go"), filepath.Join(snap.Solutions, "sec64", "compose.go"),
		filepath.Join(prep.ref, "vendor", "modules.txt"),
		l.Root + "/go.mod", l.Hidden + "/sec62/sec62_hidden_test.go", l.Solutions + "/sec62/toeplitz.go",
		class + "/alice/sec61/conv1d.go", class, outputs + "/gradebook.csv", outputs, bin, tmp, "/tmp", "/"}
	before := map[string]string{}
	for _, d := range []string{class, outputs, source, l.Solutions, l.Hidden} {
		before[d] = treeDigest(t, d)
	}
	runEscapes(t, runner{jail: j, uid: uid, limits: DefaultLimits}, bin, []escapeCase{
		{"files@" + strings.Join(targets, ","), 5 * time.Second, "blocked: read /proc/self/environ"},
		{"fds", 5 * time.Second, ""},
		{"kill", 5 * time.Second, "blocked: still alive"},
		{"disk", 10 * time.Second, "blocked: create"},
		{"memory", 10 * time.Second, ""},
		{"output", 20 * time.Second, "output cut"},
		{"stall", 3 * time.Second, "started a detached child"},
		{"forkbomb", 10 * time.Second, ""},
		{"spin", 2 * time.Second, ""},
	}, before, func(t *testing.T, name string, o *runOutcome) {
		if name == "kill" {
			o.Output = strings.ReplaceAll(o.Output, "ESCAPED: killed -1", "")
			assert.NoError(t, sentinel.Process.Signal(syscall.Signal(0)), "another jail user's process was killed")
		}
		t.Cleanup(func() { assert.Empty(t, userProcesses(uid), "processes of the jail's user are left") })
	})
}

// TestJailGrades grades the reference of a section in the jail: the tests of
// the chapter need nothing the jail lacks (/proc, /dev, a writable /tmp).
func TestJailGrades(t *testing.T) {
	if os.Geteuid() != 0 {
		t.Skip("the jail needs root (chroot, a user of its own)")
	}
	l, cat := testLayout(t)
	sub, err := LoadSubmission(l.Solutions, cat)
	require.NoError(t, err)
	res, err := GradeSubmission(context.Background(), sub, Options{Layout: l, Catalog: cat, Reference: true, Hidden: true,
		Sandbox: SandboxJail, Only: []string{"6.3-4", "6.6-1"}})
	require.NoError(t, err)
	for _, e := range res.Exercises {
		for _, tr := range e.Tests {
			assert.True(t, tr.Passed, "%s %s: %s\n%s", e.ID, tr.Name, e.Note, tr.Output)
		}
	}
	assert.Equal(t, res.Max, res.Score)
	assert.NotZero(t, res.Max)
}

// TestSandboxUsersExclusive: two grading processes (two pools here: the lock
// files conflict between open files as between processes) never run a
// submission's code as the same user, and a user is free again once released.
func TestSandboxUsersExclusive(t *testing.T) {
	if os.Geteuid() != 0 {
		t.Skip("users of their own need root")
	}
	ctx := context.Background()
	p1, err := newUserPool()
	require.NoError(t, err)
	p2, err := newUserPool()
	require.NoError(t, err)
	u1, release1, err := p1.acquire(ctx)
	require.NoError(t, err)
	u2, release2, err := p2.acquire(ctx)
	require.NoError(t, err)
	u3, release3, err := p1.acquire(ctx)
	require.NoError(t, err)
	assert.NotEqual(t, u1, u2)
	assert.NotEqual(t, u1, u3)
	assert.NotEqual(t, u2, u3)
	release1()
	release2()
	release3()
	// A pool of one user (the last, which other tests running at the same
	// time are the least likely to hold) gets it again once released.
	one := &userPool{uids: p1.uids[len(p1.uids)-1:], inUse: map[int]bool{}}
	u, release, err := one.acquire(ctx)
	require.NoError(t, err)
	release()
	done := make(chan int)
	go func() { u, release, _ := one.acquire(ctx); release(); done <- u }()
	select {
	case again := <-done:
		assert.Equal(t, u, again)
	case <-time.After(10 * time.Second):
		t.Fatal("a released sandbox user is not taken again")
	}
}
