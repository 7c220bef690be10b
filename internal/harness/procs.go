package harness

import (
	"bytes"
	"crypto/rand"
	"encoding/hex"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"sync"
	"syscall"
	"time"
)

// Child processes: nbconvert runs in its own process group, but Jupyter starts each kernel in a
// new session (jupyter_client's launcher), and GoNB does not watch its parent: killing
// nbconvert's group alone leaves the kernel, and what the kernel started, running. So every
// nbconvert gets a unique marker in its environment (RunMarkerEnv), which the kernel and its
// children inherit; when nbconvert has ended, every process still carrying the marker is
// killed (killMarked). On ctx's end nbconvert first gets SIGINT (it then shuts its kernel down
// itself), and SIGKILL for its whole group after a grace period.

// RunMarkerEnv is the environment variable that marks the processes of one notebook execution.
const RunMarkerEnv = "D2L_HARNESS_RUN"

// newRunMarker returns a random marker value.
func newRunMarker() string {
	b := make([]byte, 12)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

// markedProcs returns the ids of the processes (of this user, readable in /proc) whose
// environment holds RunMarkerEnv=marker. It returns nil where /proc does not exist.
func markedProcs(marker string) []int {
	entries, err := os.ReadDir("/proc")
	if err != nil {
		return nil
	}
	want := []byte(RunMarkerEnv + "=" + marker + "\x00")
	var pids []int
	for _, e := range entries {
		pid, err := strconv.Atoi(e.Name())
		if err != nil || pid == os.Getpid() {
			continue
		}
		env, err := os.ReadFile(filepath.Join("/proc", e.Name(), "environ"))
		if err != nil {
			continue
		}
		if bytes.HasPrefix(env, want) || bytes.Contains(env, append([]byte{0}, want...)) {
			pids = append(pids, pid)
		}
	}
	return pids
}

// killMarked kills (SIGKILL) every process carrying marker, with its process group, until none
// is left or two seconds have passed; it returns the number of processes it found.
func killMarked(marker string) int {
	found := 0
	deadline := time.Now().Add(2 * time.Second)
	for {
		pids := markedProcs(marker)
		if len(pids) == 0 || time.Now().After(deadline) {
			return found
		}
		found += len(pids)
		for _, pid := range pids {
			if pgid, err := syscall.Getpgid(pid); err == nil && pgid != syscall.Getpgrp() {
				_ = syscall.Kill(-pgid, syscall.SIGKILL)
			}
			_ = syscall.Kill(pid, syscall.SIGKILL)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// pipeTo connects cmd's stdout and stderr to os.Pipe files copied into stdout and stderr. Call
// closeWriters after cmd.Start (the child holds its copies then); copied is done when every
// process holding the write ends has closed them.
func pipeTo(cmd *exec.Cmd, stdout, stderr io.Writer) (copied *sync.WaitGroup, closeWriters func(), err error) {
	copied = &sync.WaitGroup{}
	var writers []*os.File
	closeWriters = func() {
		for _, w := range writers {
			w.Close()
		}
	}
	for _, dst := range []io.Writer{stdout, stderr} {
		r, w, err := os.Pipe()
		if err != nil {
			closeWriters()
			return nil, nil, err
		}
		writers = append(writers, w)
		copied.Add(1)
		go func() {
			defer copied.Done()
			defer r.Close()
			_, _ = io.Copy(dst, r)
		}()
	}
	cmd.Stdout, cmd.Stderr = writers[0], writers[1]
	return copied, closeWriters, nil
}
