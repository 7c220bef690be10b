package grader

import (
	"bufio"
	"context"
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
// a user of its own (uid 65000 and up, one per submission being graded,
// never in /etc/passwd, owning no file; a lock file in /tmp/d2l-jail keeps
// two grading processes from taking the same one), chrooted (chroot(8)) into
// a folder that holds only its test binary (execute-only) and an empty /tmp
// it cannot write. It sees no file of the host (no checkout, snapshot,
// hidden test, other submission, /autograder/source, /proc or /dev) and can
// write nothing. After each test every process of that user is killed, so a
// detached child cannot outlive its test.
//
// What it lacks next to bubblewrap: a network namespace (code that got past
// the import allowlist could open a connection, or an abstract Unix socket)
// and a PID namespace (such code could see other processes' IDs, and signal
// its own user's processes only).
type Jail struct {
	chroot string // chroot(8)
	uids   []int  // the users it may run tests as
	mu     sync.Mutex
	inUse  map[int]bool // by this process
}

const (
	jailBaseUID = 65000 // below nobody (65534), inside the 0-65535 of user-namespaced containers
	jailUsers   = 32
)

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
// the first free jail user.
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
	taken := passwdIDs()
	j := &Jail{chroot: chroot, inUse: map[int]bool{}}
	for u := jailBaseUID; u < jailBaseUID+jailUsers; u++ {
		if !taken[u] {
			j.uids = append(j.uids, u)
		}
	}
	if len(j.uids) == 0 {
		return nil, fmt.Errorf("%w: no free user for the jail among uids %d-%d", ErrNoSandbox, jailBaseUID, jailBaseUID+jailUsers-1)
	}
	if err := os.MkdirAll(jailLockDir, 0o700); err != nil {
		return nil, fmt.Errorf("%w: %v", ErrNoSandbox, err)
	}
	if info, err := os.Lstat(jailLockDir); err != nil || !info.IsDir() || info.Sys().(*syscall.Stat_t).Uid != 0 || info.Mode().Perm()&0o022 != 0 {
		return nil, fmt.Errorf("%w: %s must be a folder of root's that only root may write", ErrNoSandbox, jailLockDir)
	}
	u := j.uids[0]
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, "prlimit", "--nproc=64", "--", chroot, userSpec(u), "--groups="+strconv.Itoa(u), "/", trueProgram())
	if out, err := cmd.CombinedOutput(); err != nil {
		return nil, fmt.Errorf("%w: chroot to a user of its own is refused here (%s: %s)", ErrNoSandbox, err, firstLine(strings.TrimSpace(string(out))))
	}
	return j, nil
}

func userSpec(uid int) string { return fmt.Sprintf("--userspec=%d:%d", uid, uid) }

// jailLockDir holds a lock file per jail user, held by the process whose
// tests run as that user.
const jailLockDir = "/tmp/d2l-jail"

// acquire takes a jail user that no test of this or another grading process
// runs as (waiting for one) for one submission's tests, after killing what a
// run that died may have left running as that user; release kills what the
// tests left running and frees the user.
func (j *Jail) acquire() (uid int, release func()) {
	for {
		j.mu.Lock()
		for _, u := range j.uids {
			if j.inUse[u] {
				continue
			}
			f, err := os.OpenFile(filepath.Join(jailLockDir, strconv.Itoa(u)+".lock"), os.O_RDWR|os.O_CREATE|syscall.O_NOFOLLOW, 0o600)
			if err != nil {
				continue
			}
			if syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB) != nil {
				f.Close()
				continue
			}
			j.inUse[u] = true
			j.mu.Unlock()
			killUser(u)
			return u, func() {
				killUser(u)
				f.Close() // unlocks
				j.mu.Lock()
				delete(j.inUse, u)
				j.mu.Unlock()
			}
		}
		j.mu.Unlock()
		time.Sleep(100 * time.Millisecond)
	}
}

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

// prlimitArgs are prlimit's options for the limits of one test process.
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

// userProcesses lists the live (not zombie) processes whose real, effective,
// saved or file-system user is uid.
func userProcesses(uid int) []int {
	paths, _ := filepath.Glob("/proc/[0-9]*/status")
	var pids []int
	want := strconv.Itoa(uid)
	for _, p := range paths {
		f, err := os.Open(p)
		if err != nil {
			continue
		}
		mine, zombie := false, false
		sc := bufio.NewScanner(f)
		for sc.Scan() {
			line := sc.Text()
			if s, ok := strings.CutPrefix(line, "State:"); ok {
				zombie = strings.HasPrefix(strings.TrimSpace(s), "Z")
			}
			if s, ok := strings.CutPrefix(line, "Uid:"); ok {
				for _, id := range strings.Fields(s) {
					mine = mine || id == want
				}
				break
			}
		}
		f.Close()
		if mine && !zombie {
			if pid, err := strconv.Atoi(filepath.Base(filepath.Dir(p))); err == nil {
				pids = append(pids, pid)
			}
		}
	}
	return pids
}

// killUser kills every process of uid, again until none is left (a fork
// bomb's children appear between two scans), for at most two seconds.
func killUser(uid int) {
	deadline := time.Now().Add(2 * time.Second)
	for {
		pids := userProcesses(uid)
		if len(pids) == 0 || time.Now().After(deadline) {
			return
		}
		for _, pid := range pids {
			_ = syscall.Kill(pid, syscall.SIGKILL)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// passwdIDs returns the user and group IDs named in /etc/passwd and /etc/group.
func passwdIDs() map[int]bool {
	ids := map[int]bool{}
	for _, f := range []string{"/etc/passwd", "/etc/group"} {
		b, err := os.ReadFile(f)
		if err != nil {
			continue
		}
		for _, line := range strings.Split(string(b), "\n") {
			if fields := strings.Split(line, ":"); len(fields) > 2 {
				if id, err := strconv.Atoi(fields[2]); err == nil {
					ids[id] = true
				}
			}
		}
	}
	return ids
}
