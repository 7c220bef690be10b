package grader

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"
)

// Limits bound one sandboxed process: a test, or each process of a build (the
// go command, the compiler, the linker, the rules check).
type Limits struct {
	Memory   int64 // address space (RLIMIT_AS), bytes
	FileSize int64 // largest file it may write (RLIMIT_FSIZE), bytes
	Tmp      int64 // size of its private /tmp, bytes
	Output   int   // stdout+stderr kept (the rest is dropped with a note), bytes
	Procs    int   // processes and threads of the sandbox user (RLIMIT_NPROC)
	Files    int   // open files (RLIMIT_NOFILE)
}

// DefaultLimits are generous for the chapter's tests (the LeNet training test
// included) and small enough for 2-core, 24 GiB machines grading two students
// at once.
var DefaultLimits = Limits{
	Memory:   3 << 29, // 1.5 GiB of address space: about 900 MiB of Go heap
	FileSize: 16 << 20,
	Tmp:      32 << 20,
	Output:   1 << 20,
	Procs:    512,
	Files:    256,
}

// DefaultBuildLimits bound each process of a submission's build: the go
// command builds the chapter's packages, the reference's dependencies
// included, under them; a file that makes the compiler allocate more, or
// write a larger object, fails its package's build with a note.
var DefaultBuildLimits = Limits{
	Memory:   2 << 30,
	FileSize: 128 << 20,
	Tmp:      64 << 20,
	Output:   256 << 10,
	Procs:    1024,
	Files:    4096,
}

// prlimitArgs are prlimit's options for lim and a CPU time limit.
func prlimitArgs(lim Limits, cpu time.Duration) []string {
	return []string{
		"--as=" + strconv.FormatInt(lim.Memory, 10),
		"--fsize=" + strconv.FormatInt(lim.FileSize, 10),
		"--nproc=" + strconv.Itoa(lim.Procs),
		"--nofile=" + strconv.Itoa(lim.Files),
		"--cpu=" + strconv.Itoa(int(cpu.Seconds())+1),
		"--core=0",
	}
}

// ErrNoSandbox is returned when grading needs bubblewrap and it does not work.
var ErrNoSandbox = errors.New("no sandbox")

var (
	bwrapOnce sync.Once
	bwrapPath string
	bwrapErr  error
)

// FindSandbox returns the path of a working bwrap, or an error of one line
// saying why there is none and how to install it (wrapping ErrNoSandbox). It
// checks once per process.
func FindSandbox() (string, error) {
	bwrapOnce.Do(func() { bwrapPath, bwrapErr = checkSandbox() })
	return bwrapPath, bwrapErr
}

// checkSandbox looks for bwrap and prlimit on PATH and starts an empty
// sandbox with the namespaces the test processes get.
func checkSandbox() (string, error) {
	p, err := exec.LookPath("bwrap")
	if err != nil {
		return "", fmt.Errorf("%w: bubblewrap (bwrap) is not installed; install it with `sudo apt-get install bubblewrap` (or run `d2l setup`), or pass -unsafe-no-sandbox to grade without isolation", ErrNoSandbox)
	}
	if _, err := exec.LookPath("prlimit"); err != nil {
		return "", fmt.Errorf("%w: prlimit (util-linux) is not installed; install it with `sudo apt-get install util-linux`, or pass -unsafe-no-sandbox to grade without isolation", ErrNoSandbox)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, p, "--unshare-all", "--die-with-parent", "--new-session", "--dev", "/dev",
		"--ro-bind", "/", "/", "--size", "1048576", "--tmpfs", "/tmp", "--", trueProgram())
	uid := noUser
	if users, uerr := sandboxUsers(); uerr == nil {
		u, release, aerr := users.acquire(ctx)
		if aerr != nil {
			return "", fmt.Errorf("%w: no sandbox user is free: %v", ErrNoSandbox, aerr)
		}
		defer release()
		uid = u
	} else if os.Geteuid() == 0 {
		return "", uerr
	}
	cmd.SysProcAttr = sandboxAttr(uid)
	if out, err := cmd.CombinedOutput(); err != nil {
		return "", fmt.Errorf("%w: bubblewrap (%s) cannot create its namespaces here (%s: %s); enable unprivileged user namespaces (sysctl kernel.unprivileged_userns_clone=1) or run as root, or pass -unsafe-no-sandbox to grade without isolation",
			ErrNoSandbox, p, err, firstLine(strings.TrimSpace(string(out))))
	}
	return p, nil
}

// checkReachable fails when the sandbox users (for a root grader) cannot
// reach dir, where the workspaces and test binaries will be: bwrap, running as
// such a user, could not bind them and every build and test would fail.
func checkReachable(dir string) error {
	if os.Geteuid() != 0 {
		return nil
	}
	abs, err := filepath.Abs(dir)
	if err != nil {
		return err
	}
	for d := abs; ; d = filepath.Dir(d) {
		info, err := os.Stat(d)
		if err != nil {
			return err
		}
		if info.Mode().Perm()&0o001 == 0 {
			return fmt.Errorf("%w: the sandboxes run as users of their own, which cannot enter %s (mode %v); set TMPDIR to a folder every user can enter, such as /tmp", ErrNoSandbox, d, info.Mode().Perm())
		}
		if d == filepath.Dir(d) {
			return nil
		}
	}
}

// reachable reports whether every user may enter every folder of dir's path
// and read dir.
func reachable(dir string) bool {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return false
	}
	if info, err := os.Stat(abs); err != nil || info.Mode().Perm()&0o005 != 0o005 {
		return false
	}
	for d := abs; d != filepath.Dir(d); d = filepath.Dir(d) {
		if info, err := os.Stat(d); err != nil || info.Mode().Perm()&0o001 == 0 {
			return false
		}
	}
	return true
}

// trueProgram is a program that exits 0, for the start-up check of bwrap.
func trueProgram() string {
	if p, err := exec.LookPath("true"); err == nil {
		return p
	}
	return "/bin/true"
}

// asUser is the uid a sandbox runs as: a sandbox user of the submission's own
// (root grader), or noUser: the grader's own user.
const noUser = -1

// sandboxAttr puts the sandbox in its own process group (killed as a whole on
// timeout) and runs it as uid (unless noUser), without supplementary groups.
func sandboxAttr(uid int) *syscall.SysProcAttr {
	a := &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGKILL}
	if uid != noUser {
		a.Credential = &syscall.Credential{Uid: uint32(uid), Gid: uint32(uid), Groups: []uint32{}}
	}
	return a
}

// sandboxCommand returns the command that runs the test binary bin with args
// in a sandbox as uid: prlimit sets the resource limits and execs bwrap, which
// gives the binary new user, PID, IPC, UTS, cgroup and network namespaces, an
// empty root file system holding only the binary (read-only) at
// /sandbox/test, a minimal /dev, a private size-bounded /tmp, no /proc, and a
// new session. The binary sees nothing of the host: no submissions, outputs,
// checkout, tests or other students. With bwrap == "" (unsafe mode) it runs
// the binary as is.
func sandboxCommand(bwrap, bin string, args []string, lim Limits, cpu time.Duration, uid int) *exec.Cmd {
	if bwrap == "" {
		cmd := exec.Command(bin, args...)
		cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
		return cmd
	}
	if uid == noUser {
		// RLIMIT_NPROC counts every thread of the user, not only the
		// sandbox's: allow what the user already runs.
		lim.Procs += userThreads()
	}
	pl := append(prlimitArgs(lim, cpu),
		"--", bwrap,
		"--unshare-all", "--die-with-parent", "--new-session",
		"--dev", "/dev",
		"--size", strconv.FormatInt(lim.Tmp, 10), "--tmpfs", "/tmp",
		"--ro-bind", bin, "/sandbox/test",
		"--remount-ro", "/",
		"--chdir", "/tmp",
		"--", "/sandbox/test",
	)
	cmd := exec.Command("prlimit", append(pl, args...)...)
	cmd.SysProcAttr = sandboxAttr(uid)
	return cmd
}

// userThreads counts the threads of the current user (RLIMIT_NPROC counts
// them all), or 4096 when /proc cannot tell.
func userThreads() int {
	uid := uint32(os.Getuid())
	paths, err := filepath.Glob("/proc/[0-9]*/task/[0-9]*")
	if err != nil || len(paths) == 0 {
		return 4096
	}
	n := 0
	for _, p := range paths {
		if info, err := os.Stat(p); err == nil {
			if st, ok := info.Sys().(*syscall.Stat_t); ok && st.Uid == uid {
				n++
			}
		}
	}
	return n
}
