package d2lerr

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"runtime"
	"strings"
	"time"

	"github.com/d2l-go/d2l-go/internal/gonbio"
)

// An *Error that nothing recovers ends the program. In a notebook cell (a program GoNB runs)
// Go's crash report would follow the one-line message with a goroutine trace of d2l's insides
// and absolute paths, and GoNB would add "exit status 2" twice. Instead, the message is
// followed by the lines of the notebook's own code that made the failing call, and the program
// ends quietly: see crashReport.
//
// Go calls the Error method of an unrecovered panic's value from runtime.preprintpanics, after
// every deferred call has run and only when the program is about to crash; no other code calls
// it from there. That is where Error takes over, which needs no handler installed anywhere: a
// recovered *Error (d2l.Try, or the program's own recover) is never reported, other panics
// (runtime errors in the student's code included) keep Go's report and its trace, and programs
// outside notebooks, tests and %test cells keep Go's crash report too.

// crashReport writes the report of an unrecovered *Error with message msg, when Error is
// called by Go's crash of a notebook cell's program, and ends the program; otherwise it
// returns.
func crashReport(msg string) {
	if !gonbio.IsNotebook {
		return
	}
	pcs := make([]uintptr, 64)
	frames := runtime.CallersFrames(pcs[:runtime.Callers(1, pcs)])
	crashing := false
	for k, more := 0, true; more && k < 3 && !crashing; k++ { // crashReport, Error, then its caller
		var f runtime.Frame
		f, more = frames.Next()
		crashing = f.Function == "runtime.preprintpanics"
	}
	if !crashing {
		return // an ordinary call of Error
	}
	var lines []string
	for more := true; more; {
		var f runtime.Frame
		f, more = frames.Next()
		if f.Function == "testing.tRunner" {
			return // a test: the testing package's report, as for any failing test
		}
		// A closure called on its own line shows that line once.
		if where := cellFrame(f); where != "" && (len(lines) == 0 || lines[len(lines)-1] != where) {
			lines = append(lines, where)
		}
	}
	writeReport(os.Stderr, msg, lines)
	// Displays sent before the error (a figure drawn by an earlier line) reach the notebook
	// before the program ends; a kernel that does not answer does not hold it up.
	synced := make(chan struct{})
	go func() { gonbio.Sync(); close(synced) }()
	select {
	case <-synced:
	case <-time.After(2 * time.Second):
	}
	// Exit status 0: the report above is the whole story. A failing status would make GoNB add
	// "exit status 1" to the cell's output twice, once as text and once as an error.
	os.Exit(0)
}

// Each line under the message of an unrecovered *Error's report (see crashReport) names a line
// of the notebook's code: "    在这一格: CODE" for the cell's own code (its main), "    在函数 NAME
// 里: CODE" for a function the notebook declares.
const (
	cellPrefix     = "    在这一格: "
	functionPrefix = "    在函数 "
)

// reportLineRE matches those lines.
var reportLineRE = regexp.MustCompile(`^    在(这一格|函数 [\p{L}\p{N}_]+ 里): `)

// IsReportLine reports whether line is one of the lines under the message of an unrecovered
// *Error's report in a notebook, which name the notebook's code: checkers of executed
// notebooks take it for the sign of a cell that failed.
func IsReportLine(line string) bool { return reportLineRE.MatchString(line) }

// writeReport writes msg and, one per line, where the notebook's code made the call, the
// innermost first.
func writeReport(w io.Writer, msg string, where []string) {
	fmt.Fprintln(w, msg)
	for _, l := range where {
		fmt.Fprintln(w, l)
	}
}

// cellFrame describes a stack frame of the notebook's own code, a function of package main
// in the file GoNB composes the cells into, as a report line with the line of code; "" for any
// other frame.
func cellFrame(f runtime.Frame) string {
	name, ok := strings.CutPrefix(f.Function, "main.")
	base := filepath.Base(f.File)
	if !ok || base != "main.go" && base != "main_test.go" {
		return ""
	}
	fn, _, _ := strings.Cut(name, ".") // main.main.func1 (a closure) is in main
	where := cellPrefix
	if fn != "main" {
		where = functionPrefix + fn + " 里: "
	}
	return where + codeLine(f.File, f.Line, fmt.Sprintf("%s:%d", base, f.Line))
}

// codeLine returns line n (1-based) of the file at path, trimmed, or fallback when it cannot
// be read.
func codeLine(path string, n int, fallback string) string {
	data, err := os.ReadFile(path)
	if err != nil {
		return fallback
	}
	lines := strings.Split(string(data), "\n")
	if n < 1 || n > len(lines) || strings.TrimSpace(lines[n-1]) == "" {
		return fallback
	}
	return strings.TrimSpace(lines[n-1])
}
