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

// Limits bound one sandboxed test process.
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

// ErrNoSandbox is returned when grading needs bubblewrap and it does not work.
var ErrNoSandbox = errors.New("no sandbox")

// sandboxUID is the user a root grader runs the sandboxes as ("nobody"), so
// that RLIMIT_NPROC applies and nothing the sandbox does is done as root.
const sandboxUID = 65534

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
	cmd.SysProcAttr = sandboxAttr()
	if out, err := cmd.CombinedOutput(); err != nil {
		return "", fmt.Errorf("%w: bubblewrap (%s) cannot create its namespaces here (%s: %s); enable unprivileged user namespaces (sysctl kernel.unprivileged_userns_clone=1) or run as root, or pass -unsafe-no-sandbox to grade without isolation",
			ErrNoSandbox, p, err, firstLine(strings.TrimSpace(string(out))))
	}
	return p, nil
}

// checkReachable fails when the sandbox user (nobody, for a root grader)
// cannot reach dir, where the test binaries will be: bwrap, running as that
// user, could not bind them and every test would fail.
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
			return fmt.Errorf("%w: the sandbox runs as nobody, which cannot enter %s (mode %v); set TMPDIR to a folder every user can enter, such as /tmp", ErrNoSandbox, d, info.Mode().Perm())
		}
		if d == filepath.Dir(d) {
			return nil
		}
	}
}

// trueProgram is a program that exits 0, for the start-up check of bwrap.
func trueProgram() string {
	if p, err := exec.LookPath("true"); err == nil {
		return p
	}
	return "/bin/true"
}

// sandboxAttr puts the sandbox in its own process group (killed as a whole on
// timeout) and, for a root grader, runs it as nobody.
func sandboxAttr() *syscall.SysProcAttr {
	a := &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGKILL}
	if os.Geteuid() == 0 {
		a.Credential = &syscall.Credential{Uid: sandboxUID, Gid: sandboxUID, NoSetGroups: false}
	}
	return a
}

// sandboxCommand returns the command that runs the test binary bin with args
// in a sandbox: prlimit sets the resource limits and execs bwrap, which gives
// the binary new user, PID, IPC, UTS, cgroup and network namespaces, an empty
// root file system holding only the binary (read-only) at /sandbox/test, a
// minimal /dev, a private size-bounded /tmp, no /proc, and a new session. The
// binary sees nothing of the host: no submissions, outputs, checkout, tests
// or other students. With bwrap == "" (unsafe mode) it runs the binary as is.
func sandboxCommand(ctx context.Context, bwrap, bin string, args []string, lim Limits, cpu time.Duration) *exec.Cmd {
	if bwrap == "" {
		cmd := exec.Command(bin, args...)
		cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
		return cmd
	}
	if os.Geteuid() != 0 {
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
	cmd.SysProcAttr = sandboxAttr()
	return cmd
}

// sandboxReadable lets the sandbox user (nobody, for a root grader) reach
// the test binaries below dir: bwrap runs as that user and must open them to
// bind them into the sandbox. Folders get search permission only.
func sandboxReadable(dirs ...string) {
	if os.Geteuid() != 0 {
		return
	}
	for _, d := range dirs {
		_ = os.Chmod(d, 0o711)
	}
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
