package grader

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"
)

// The sandboxes a grading run may use (Options.Sandbox).
const (
	SandboxBwrap = "bwrap" // bubblewrap, the default (also "")
	SandboxJail  = "jail"  // the chroot jail (FindJail), for containers without namespaces
	SandboxAuto  = "auto"  // bubblewrap when it can create its namespaces, else the jail
)

// Jail is the sandbox of containers where bubblewrap cannot create its
// namespaces, such as Gradescope's (Docker's default seccomp profile and
// capabilities usually forbid them), for a grader running as root: every
// test process runs under prlimit with the same limits as in bubblewrap, as
// the submission's own sandbox user (see users.go: uid 64000 and up, never in
// /etc/passwd, owning no file), chrooted (chroot(8)) into a folder that holds
// only its test binary (execute-only) and an empty /tmp it cannot write. It
// sees no file of the host (no checkout, snapshot, hidden test, other
// submission, /autograder/source, /proc or /dev) and can write nothing. After
// each test every process of that user is killed, so a detached child cannot
// outlive its test. The build of the submission runs as the same user under
// the build limits, in the submission's workspace (see buildCommand).
//
// What it lacks next to bubblewrap: a network namespace (code that got past
// the import allowlist could open a connection, or an abstract Unix socket)
// and a PID namespace (such code could see other processes' IDs, and signal
// its own user's processes only).
type Jail struct {
	chroot string // chroot(8)
}

var (
	jailOnce sync.Once
	jailVal  *Jail
	jailErr  error
)

// FindJail returns the jail, or an error of one line saying why it cannot be
// used here (wrapping ErrNoSandbox): not root, no prlimit or chroot, or
// chroot and the change of user refused. It checks once per process.
func FindJail() (*Jail, error) {
	jailOnce.Do(func() { jailVal, jailErr = checkJail() })
	return jailVal, jailErr
}

// checkJail looks for prlimit and chroot and runs `true` chrooted into / as
// the first free sandbox user.
func checkJail() (*Jail, error) {
	if os.Geteuid() != 0 {
		return nil, fmt.Errorf("%w: the jail (the sandbox for containers without namespaces) needs root", ErrNoSandbox)
	}
	if _, err := exec.LookPath("prlimit"); err != nil {
		return nil, fmt.Errorf("%w: prlimit (util-linux) is not installed; install it with `apt-get install util-linux`", ErrNoSandbox)
	}
	chroot, err := exec.LookPath("chroot")
	if err != nil {
		if _, serr := os.Stat("/usr/sbin/chroot"); serr != nil {
			return nil, fmt.Errorf("%w: chroot (coreutils) is not installed", ErrNoSandbox)
		}
		chroot = "/usr/sbin/chroot"
	}
	users, err := sandboxUsers()
	if err != nil {
		return nil, err
	}
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	u, release, err := users.acquire(ctx)
	if err != nil {
		return nil, fmt.Errorf("%w: no sandbox user is free: %v", ErrNoSandbox, err)
	}
	defer release()
	cmd := exec.CommandContext(ctx, "prlimit", "--nproc="+strconv.Itoa(DefaultLimits.Procs), "--", chroot, userSpec(u), "--groups="+strconv.Itoa(u), "/", trueProgram())
	if out, err := cmd.CombinedOutput(); err != nil {
		return nil, fmt.Errorf("%w: chroot to a user of its own is refused here (%s: %s)", ErrNoSandbox, err, firstLine(strings.TrimSpace(string(out))))
	}
	return &Jail{chroot: chroot}, nil
}

func userSpec(uid int) string { return fmt.Sprintf("--userspec=%d:%d", uid, uid) }

// command returns the command that runs the test binary bin with args in
// the jail as uid: prlimit sets the limits and execs chroot, which enters the
// jail of bin (jailRoot), becomes uid and execs /sandbox/test.
func (j *Jail) command(uid int, bin string, args []string, lim Limits, cpu time.Duration) (*exec.Cmd, error) {
	root, err := jailRoot(bin)
	if err != nil {
		return nil, err
	}
	pl := append(prlimitArgs(lim, cpu), "--", j.chroot, userSpec(uid), "--groups="+strconv.Itoa(uid), root, "/sandbox/test")
	cmd := exec.Command("prlimit", append(pl, args...)...)
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGKILL}
	return cmd, nil
}

// jailRoot makes, once per test binary, the folder the binary's tests are
// chrooted into: /sandbox/test (a hard link to bin, execute-only) and /tmp,
// all owned by root and closed to others but for entering.
func jailRoot(bin string) (string, error) {
	root := bin + ".jail"
	if info, err := os.Lstat(root); err == nil && info.IsDir() {
		return root, nil
	}
	for _, d := range []string{root, root + "/sandbox", root + "/tmp"} {
		if err := os.Mkdir(d, 0o711); err != nil {
			return "", err
		}
		if err := os.Chmod(d, 0o711); err != nil {
			return "", err
		}
	}
	if err := os.Chmod(bin, 0o711); err != nil {
		return "", err
	}
	if err := os.Link(bin, root+"/sandbox/test"); err != nil {
		// A file system without hard links: copy it.
		b, rerr := os.ReadFile(bin)
		if rerr != nil {
			return "", err
		}
		if err := os.WriteFile(root+"/sandbox/test", b, 0o711); err != nil {
			return "", err
		}
	}
	return root, nil
}
