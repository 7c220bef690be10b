package grader

import (
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"
)

// What decides a verdict. A test process's own output is evidence only through
// the testing package's framing; the harness's descriptor (see harnessSource)
// carries the result and, for the feedback of hidden tests, the blind notes.

// evidence is what one test process left behind, as the grader observed it.
type evidence struct {
	test        string        // the test selected ("" for a start-up probe)
	timeout     time.Duration // its time limit
	timedOut    bool          // killed at the time limit (or interrupted)
	interrupted bool          // the grading was interrupted
	reported    bool          // the harness wrote "<nonce> <code>"
	code        int           // that code
	exit        int           // the exit status the kernel reported (-1: killed by a signal)
	killed      bool          // ended by SIGKILL
	framed      bool          // the testing package's framing shows the test passing
	output      string        // what it printed, cleaned (only to name a failure)
	memory      int64         // its address-space limit, bytes
}

// decide is the verdict: a pass needs the exit status 0, the harness's report
// of code 0 and the framing of a PASS of exactly that test; otherwise the
// reason says why in words (the output only chooses among fixed reasons).
func decide(e evidence) (passed bool, reason string) {
	switch {
	case e.timedOut && e.interrupted:
		return false, "not run: the grading was interrupted"
	case e.timedOut:
		return false, fmt.Sprintf("timed out after %s and was killed (an endless loop?)", e.timeout)
	case e.reported && e.code == 0 && e.exit == 0 && e.framed:
		return true, ""
	case e.reported && e.code == 0 && e.exit == 0:
		return false, "the test did not run (no PASS of " + e.test + " from the testing package)"
	case e.reported:
		return false, "test failed"
	case e.exit == 0:
		return false, "the program exited (status 0) before the test finished: does the code call os.Exit?"
	case strings.Contains(e.output, "panic: TODO:"):
		return false, "not written yet: the stub still panics with TODO"
	case strings.Contains(e.output, "panic: test timed out"):
		return false, "timed out (an endless loop?)"
	case strings.Contains(e.output, "[recovered"):
		return false, "the code panicked"
	case strings.Contains(e.output, "out of memory") || strings.Contains(e.output, "cannot allocate memory"):
		return false, fmt.Sprintf("the program ran out of memory (the limit is %d MiB)", e.memory>>20)
	case strings.Contains(e.output, "panic:"):
		return false, fmt.Sprintf("the program crashed (exit status %d): a panic outside the test, e.g. in a goroutine the code started", e.exit)
	case e.exit == -1 && e.killed:
		return false, "the program was killed (a resource limit: CPU time, memory or processes)"
	}
	return false, fmt.Sprintf("the program stopped (exit status %d) before the test finished", e.exit)
}

// verdictOutput is what the reports show of a test's run. A public test shows
// the process's output (got and want: the student has the test). A hidden test
// never does, since the code under test may print its inputs: it shows what the
// test checks (t.Doc), the reason in the grader's words, and the blind notes
// the test's assertions sent on the harness's descriptor (what was compared and
// where it first differs, no value).
func verdictOutput(t Test, o runOutcome) string {
	if !t.Hidden {
		if m := todoRE.FindStringSubmatch(o.Output); m != nil {
			return notWritten + " (" + m[1] + ")"
		}
		if o.Reason != "" && o.Reason != "test failed" {
			return strings.TrimSpace(o.Reason + "\n" + o.Output)
		}
		return o.Output
	}
	if o.Passed {
		return ""
	}
	var lines []string
	if t.Doc != "" {
		lines = append(lines, "this hidden test "+t.Doc+".")
	}
	if o.Reason != "" && o.Reason != "test failed" {
		lines = append(lines, o.Reason)
	}
	lines = append(lines, o.Notes...)
	if len(o.Notes) == 0 && o.Reason == "test failed" {
		lines = append(lines, "it failed (a hidden test shows what it checks, never its inputs or expected values)")
	}
	return strings.Join(lines, "\n")
}

// passFramed reports whether the testing package's test2json framing (lines
// starting with the byte 0x16) shows that test passing and not failing.
func passFramed(out, test string) bool {
	pass, fail := false, false
	for _, line := range strings.Split(out, "\n") {
		switch {
		case strings.HasPrefix(line, "\x16--- PASS: "+test+" ("):
			pass = true
		case strings.HasPrefix(line, "\x16--- FAIL: "+test+" ("):
			fail = true
		}
	}
	return pass && !fail
}

// parseNotes returns the blind messages the harness wrote for test (or one of its
// subtests): lines "<nonce> note <quoted test name> <quoted message>", at most
// maxNotes of them, each cut to 300 bytes.
func parseNotes(b []byte, nonce, test string) []string {
	const maxNotes = 5
	var notes []string
	for _, line := range strings.Split(string(b), "\n") {
		rest, ok := strings.CutPrefix(line, nonce+" note ")
		if !ok || test == "" {
			continue
		}
		name, err := strconv.QuotedPrefix(rest)
		if err != nil {
			continue
		}
		msg, err := strconv.Unquote(strings.TrimSpace(rest[len(name):]))
		name, _ = strconv.Unquote(name)
		if err != nil || (name != test && !strings.HasPrefix(name, test+"/")) {
			continue
		}
		msg = strings.ToValidUTF8(truncate(msg, 300), "")
		if len(notes) < maxNotes && !slices.Contains(notes, msg) {
			notes = append(notes, msg)
		}
	}
	return notes
}

func parseResult(b []byte, nonce string) (code int, ok bool) {
	for _, line := range strings.Split(string(b), "\n") {
		f := strings.Fields(line)
		if len(f) == 2 && f[0] == nonce {
			c, err := strconv.Atoi(f[1])
			return c, err == nil
		}
	}
	return 0, false
}

// todoRE finds the panic of an untouched stub in a test's output, and where it is.
var todoRE = regexp.MustCompile(`(\S+\.go:\d+): panic: TODO`)

var hiddenFileRE = regexp.MustCompile(`[\w./-]*_hidden_test\.go(?::\d+)*`)

// hideHidden replaces every mention of a hidden test file, with its line
// numbers, by "a hidden test".
func hideHidden(s string) string { return hiddenFileRE.ReplaceAllString(s, "a hidden test") }

// hiddenCompileNote replaces what the compiler said about a hidden test file
// (its source, through the message) in a compile error.
const hiddenCompileNote = "a hidden test does not compile against this code: are the names, parameters and results those the question gives?"
