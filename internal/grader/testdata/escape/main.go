// Command escape is what a student's code would do if it got past the import
// allowlist: TestSandbox runs it inside the sandbox, one attack per run (the
// attack's name comes as the -test.run pattern, as for a test binary), and
// checks that every attempt fails. It prints "ESCAPED: ..." for each attempt
// that succeeds and "blocked: ..." for each that fails.
package main

import (
	"fmt"
	"net"
	"os"
	"strings"
	"syscall"
	"time"
)

func main() {
	mode := ""
	for i, a := range os.Args {
		if a == "-test.run" && i+1 < len(os.Args) {
			mode = strings.Trim(os.Args[i+1], "^$")
		}
	}
	targets := strings.Split(os.Getenv("ESCAPE_TARGETS"), ":") // empty in the sandbox: the test passes them in the mode
	if i := strings.Index(mode, "@"); i >= 0 {
		targets = strings.Split(mode[i+1:], ",")
		mode = mode[:i]
	}
	switch mode {
	case "files":
		for _, p := range append(targets, "/proc/self/environ", "/proc/1/cmdline", "/etc/passwd", "/root", "/dev/fd/4", "/proc/self/fd/3") {
			if b, err := os.ReadFile(p); err == nil {
				fmt.Printf("ESCAPED: read %s (%d bytes)\n", p, len(b))
			} else {
				fmt.Printf("blocked: read %s: %v\n", p, err)
			}
			if _, err := os.ReadDir(p); err == nil {
				fmt.Printf("ESCAPED: listed %s\n", p)
			}
			if err := os.WriteFile(p, []byte("pwned"), 0o644); err == nil {
				fmt.Printf("ESCAPED: wrote %s\n", p)
			}
			if err := os.WriteFile(p+"/pwned", []byte("pwned"), 0o644); err == nil {
				fmt.Printf("ESCAPED: wrote into %s\n", p)
			}
		}
		if err := os.WriteFile("/pwned", nil, 0o644); err == nil {
			fmt.Println("ESCAPED: wrote /pwned")
		}
	case "fds":
		for fd := 3; fd < 10; fd++ {
			f := os.NewFile(uintptr(fd), "fd")
			if _, err := f.Write([]byte("forged 0\n")); err == nil && fd != 3 {
				fmt.Printf("ESCAPED: wrote fd %d\n", fd)
			}
			b := make([]byte, 64)
			if n, err := f.Read(b); err == nil && fd != 4 {
				fmt.Printf("ESCAPED: read fd %d: %q\n", fd, b[:n])
			}
		}
	case "kill":
		for _, pid := range []int{os.Getppid(), 1, -1} {
			if err := syscall.Kill(pid, syscall.SIGKILL); err == nil && pid != 1 && pid != os.Getppid() {
				fmt.Printf("ESCAPED: killed %d\n", pid)
			}
		}
		fmt.Println("blocked: still alive")
	case "net":
		if c, err := net.DialTimeout("tcp", "1.1.1.1:80", time.Second); err == nil {
			c.Close()
			fmt.Println("ESCAPED: network")
		} else {
			fmt.Println("blocked: dial:", err)
		}
		if l, err := net.Listen("unix", "@d2l-grader-escape"); err == nil {
			l.Close()
			fmt.Println("blocked: abstract socket is private to the sandbox's network namespace")
		}
	case "disk":
		big := make([]byte, 1<<20)
		f, err := os.Create("/tmp/big")
		if err != nil {
			fmt.Println("blocked: create:", err)
			return
		}
		n := 0
		for ; n < 200; n++ {
			if _, err := f.Write(big); err != nil {
				break
			}
		}
		fmt.Printf("wrote %d MiB\n", n)
		if n >= 200 {
			fmt.Println("ESCAPED: wrote 200 MiB")
		}
	case "memory":
		var keep [][]byte
		for i := range 12 { // 1.5 GiB in 128 MiB blocks
			b := make([]byte, 128<<20)
			for j := 0; j < len(b); j += 4096 {
				b[j] = 1
			}
			keep = append(keep, b)
			fmt.Printf("allocated %d MiB\n", (i+1)*128)
		}
		fmt.Println("ESCAPED: allocated 1.5 GiB", len(keep))
	case "output":
		line := strings.Repeat("x", 1023) + "\n"
		for range 200 << 10 { // 200 MiB
			os.Stdout.WriteString(line)
		}
	case "stall":
		// A detached child that keeps stdout open and outlives its parent.
		if os.Getenv("ESCAPE_CHILD") == "" {
			exe, _ := os.Executable()
			if exe == "" {
				exe = "/sandbox/test"
			}
			_, err := os.StartProcess(exe, os.Args, &os.ProcAttr{
				Env:   append(os.Environ(), "ESCAPE_CHILD=1"),
				Files: []*os.File{os.Stdin, os.Stdout, os.Stderr},
				Sys:   &syscall.SysProcAttr{Setsid: true},
			})
			fmt.Println("started a detached child:", err)
			return
		}
		time.Sleep(time.Hour)
	case "holdfd":
		// A detached child that keeps the result descriptor (3) open after its
		// parent exits, for a few seconds: the grader must not wait for it, nor
		// read the result while its reader still writes it.
		if os.Getenv("ESCAPE_CHILD") == "" {
			exe, _ := os.Executable()
			_, err := os.StartProcess(exe, os.Args, &os.ProcAttr{
				Env:   append(os.Environ(), "ESCAPE_CHILD=1"),
				Files: []*os.File{nil, nil, nil, os.NewFile(3, "result")},
				Sys:   &syscall.SysProcAttr{Setsid: true},
			})
			fmt.Println("started a detached child holding descriptor 3:", err)
			return
		}
		time.Sleep(3 * time.Second)
	case "forkbomb":
		n := 0
		for range 2000 {
			if _, err := os.StartProcess("/sandbox/test", []string{"/sandbox/test", "-test.run", "^sleep$"}, &os.ProcAttr{}); err != nil {
				fmt.Println("blocked: fork:", err)
				break
			}
			n++
		}
		fmt.Printf("started %d processes\n", n)
		if n >= 2000 {
			fmt.Println("ESCAPED: 2000 processes")
		}
	case "sleep":
		time.Sleep(time.Hour)
	case "spin":
		for {
		}
	}
}
