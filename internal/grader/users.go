package grader

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"
)

// The users of the sandboxes. A root grader runs everything a submission's
// code touches (its build and its tests, in bubblewrap or in the jail) as a
// user of that submission's own: uid 64000 and up, never in /etc/passwd,
// owning no file of the host, one per submission being graded at a time. The
// kernel counts processes (RLIMIT_NPROC) per user, so a neighbour's fork bomb
// or detached children never count against another student's limit, and
// after each test every process of the user is killed. A lock file per user
// in usersLockDir keeps two grading processes from taking the same one.
//
// A grader that is not root cannot change user: its sandboxes run as itself,
// and students graded at once share its process limit (the sandbox adds the
// processes the user already runs to the limit). Grade as root, or one
// student at a time (-jobs 1), where neighbours must not interfere.

const (
	userBase  = 64000 // below nobody (65534), inside the 0-65535 of user-namespaced containers
	userCount = 32
)

// usersLockDir holds a lock file per sandbox user, held by the process whose
// submission's code runs as that user.
const usersLockDir = "/tmp/d2l-grader-users"

// userPool hands out the sandbox users of one grading process.
type userPool struct {
	uids  []int
	mu    sync.Mutex
	inUse map[int]bool // by this process
}

var (
	usersOnce sync.Once
	usersVal  *userPool
	usersErr  error
)

// sandboxUsers returns the pool of sandbox users (root only), or an error of
// one line wrapping ErrNoSandbox. It checks once per process.
func sandboxUsers() (*userPool, error) {
	usersOnce.Do(func() { usersVal, usersErr = newUserPool() })
	return usersVal, usersErr
}

func newUserPool() (*userPool, error) {
	if os.Geteuid() != 0 {
		return nil, fmt.Errorf("%w: users of their own for the sandboxes need root", ErrNoSandbox)
	}
	taken := passwdIDs()
	p := &userPool{inUse: map[int]bool{}}
	for u := userBase; u < userBase+userCount; u++ {
		if !taken[u] {
			p.uids = append(p.uids, u)
		}
	}
	if len(p.uids) == 0 {
		return nil, fmt.Errorf("%w: no free user for the sandboxes among uids %d-%d", ErrNoSandbox, userBase, userBase+userCount-1)
	}
	if err := os.MkdirAll(usersLockDir, 0o700); err != nil {
		return nil, fmt.Errorf("%w: %v", ErrNoSandbox, err)
	}
	if err := ownedDir(usersLockDir); err != nil {
		return nil, fmt.Errorf("%w: %v", ErrNoSandbox, err)
	}
	return p, nil
}

// ownedDir fails unless dir is a folder (not a link) of the current user that
// no one else may write.
func ownedDir(dir string) error {
	info, err := os.Lstat(dir)
	if err != nil {
		return err
	}
	st, ok := info.Sys().(*syscall.Stat_t)
	if !info.IsDir() || !ok || int(st.Uid) != os.Geteuid() || info.Mode().Perm()&0o022 != 0 {
		return fmt.Errorf("%s must be a folder of uid %d that only it may write (got %v, uid %v)", dir, os.Geteuid(), info.Mode(), st.Uid)
	}
	return nil
}

// acquire takes a sandbox user that no other submission of this or another
// grading process is using (waiting for one, or until ctx ends), after killing
// what a run that died may have left running as that user; release kills what
// is left and frees the user.
func (p *userPool) acquire(ctx context.Context) (uid int, release func(), err error) {
	for {
		p.mu.Lock()
		for _, u := range p.uids {
			if p.inUse[u] {
				continue
			}
			f, err := os.OpenFile(filepath.Join(usersLockDir, strconv.Itoa(u)+".lock"), os.O_RDWR|os.O_CREATE|syscall.O_NOFOLLOW, 0o600)
			if err != nil {
				continue
			}
			if syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB) != nil {
				f.Close()
				continue
			}
			p.inUse[u] = true
			p.mu.Unlock()
			killUser(u)
			awaitReaped(u, 5*time.Second)
			return u, func() {
				killUser(u)
				f.Close() // unlocks
				p.mu.Lock()
				delete(p.inUse, u)
				p.mu.Unlock()
			}, nil
		}
		p.mu.Unlock()
		select {
		case <-ctx.Done():
			return 0, nil, ctx.Err()
		case <-time.After(100 * time.Millisecond):
		}
	}
}

// awaitReaped waits, at most for timeout, until at most 64 processes of uid
// are left, zombies included: they count against the user's process limit
// until their parent (often a container's init, which may reap late) reaps
// them. A few (finished sandboxes') cost nothing; a fork bomb's would.
func awaitReaped(uid int, timeout time.Duration) {
	deadline := time.Now().Add(timeout)
	for len(userTasks(uid, true)) > 64 && time.Now().Before(deadline) {
		time.Sleep(20 * time.Millisecond)
	}
}

// userProcesses lists the live (not zombie) processes whose real, effective,
// saved or file-system user is uid.
func userProcesses(uid int) []int { return userTasks(uid, false) }

// userTasks lists the processes of uid, zombies too when asked.
func userTasks(uid int, zombies bool) []int {
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
		if mine && (zombies || !zombie) {
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
	if uid <= 0 {
		return
	}
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
