// Package harness executes GoNB notebooks headless (jupyter nbconvert with the GoNB
// kernel installed in a private Jupyter data directory) and checks every cell's outputs
// against the expected outputs recorded in the notebook's literate source.
//
// nbconvert exits 0 even when a cell panics or fails to compile, so the executed JSON is
// the only truth: Check reads it cell by cell.
package harness

import (
	"fmt"
	"regexp"
	"strings"
	"unicode/utf8"

	"github.com/d2l-go/d2l-go/internal/d2lerr"
	"github.com/d2l-go/d2l-go/internal/literate"
	"github.com/d2l-go/d2l-go/internal/notebook"
)

// Problem is one failed check of a notebook.
type Problem struct {
	// Cell is the 1-based index of the notebook cell (as Jupyter shows it), 0 for the
	// notebook as a whole.
	Cell int
	// Where is "file:line" of the cell in the literate source, "" when unknown.
	Where string
	// Msg says what is wrong; it may span several lines (a small diff).
	Msg string
}

// String formats the problem as "cell N (file:line): msg".
func (p Problem) String() string {
	var sb strings.Builder
	if p.Cell > 0 {
		fmt.Fprintf(&sb, "cell %d", p.Cell)
		if p.Where != "" {
			fmt.Fprintf(&sb, " (%s)", p.Where)
		}
		sb.WriteString(": ")
	}
	sb.WriteString(p.Msg)
	return sb.String()
}

// CheckOptions configure Check.
type CheckOptions struct {
	// Gen are the generator options the notebook was generated with.
	Gen literate.Options
	// IgnoreStderr removes matching stderr lines before any check (e.g. a library's
	// one-line notice of which backend runs). Nil means DefaultIgnoreStderr.
	IgnoreStderr []*regexp.Regexp
	// OnlyStructure checks that the notebook's cells agree with the source and stops
	// there (for unexecuted notebooks).
	OnlyStructure bool
}

// DefaultIgnoreStderr are the stderr lines Check ignores unless told otherwise: the d2l
// package's one-line notice of the backend it runs on ("d2l: backend pure Go ..."), which
// depends on the machine, and d2l.TrainCh6's notice that $D2L_EPOCHS, which the notebook
// tests set, shortens a training.
var DefaultIgnoreStderr = []*regexp.Regexp{regexp.MustCompile(`^d2l: backend `), regexp.MustCompile(`^d2l: \$D2L_EPOCHS=`)}

// failureMarkers in any stream output mark a failed cell, whatever the expected output.
var failureMarkers = []string{"panic:", "exit status", "--- FAIL", "fatal error:"}

// Check compares a notebook (usually executed) with its literate source and returns
// every problem found, in cell order; none means the notebook is in sync with its source
// and every output is the expected one.
//
// A code cell fails when it has an error output, when a stream contains "panic:",
// "exit status", "--- FAIL" or "fatal error:", when its stderr shows the report of a d2l error
// that its ```stderr fence does not expect, when its stdout differs from the ```output
// fence (display outputs compared by placeholder, in order), or when its stderr differs
// from the ```stderr fence (empty when absent). The setup cell must print only GoNB's echo
// of its %goflags (literate.SetupExpect).
func Check(doc *literate.Doc, nb *notebook.Notebook, opt CheckOptions) []Problem {
	ignore := opt.IgnoreStderr
	if ignore == nil {
		ignore = DefaultIgnoreStderr
	}
	want := doc.Notebook(opt.Gen)
	file := doc.Path
	if file == "" {
		file = doc.Name + ".md"
	}
	// Structure: the same cells, in the same order, with the same sources.
	if len(nb.Cells) != len(want.Cells) {
		return []Problem{{Msg: fmt.Sprintf("out of sync with %s: got %d cells, want %d (run `go run ./cmd/d2l gen`)", file, len(nb.Cells), len(want.Cells))}}
	}
	for i, c := range nb.Cells {
		w := want.Cells[i]
		if c.Type != w.Type || c.Source != w.Source {
			return []Problem{{Cell: i + 1, Msg: fmt.Sprintf("out of sync with %s (run `go run ./cmd/d2l gen`): %s",
				file, sourceDiff(c.Type, c.Source, w.Type, w.Source))}}
		}
	}
	if opt.OnlyStructure {
		return nil
	}
	byID := doc.CodeByID(opt.Gen)
	var problems []Problem
	for i, c := range nb.Cells {
		if c.Type != notebook.Code {
			continue
		}
		src := byID[want.Cells[i].ID]
		p := Problem{Cell: i + 1}
		var exp literate.Expect
		if src != nil {
			p.Where = fmt.Sprintf("%s:%d", file, src.Line)
			exp = src.Expect
		} else if c.ID == literate.SetupID {
			exp = literate.SetupExpect(c.Source)
		}
		for _, msg := range checkCell(c, exp, ignore) {
			p.Msg = msg
			problems = append(problems, p)
		}
	}
	return problems
}

// cellLines returns the places GoNB's traceback names in the notebook's own terms
// ("Cell[3]: Line 2"), each with its message, as " (at Cell[3]: Line 2: undefined: x)".
func cellLines(traceback []string) string {
	var at []string
	for _, t := range traceback {
		lines := strings.Split(t, "\n")
		if !strings.HasPrefix(lines[0], "Cell[") {
			continue
		}
		at = append(at, lines[0]+": "+strings.TrimSpace(lines[len(lines)-1]))
	}
	if len(at) == 0 {
		return ""
	}
	return " (at " + strings.Join(at, "; ") + ")"
}

// failures returns the error outputs and failure markers of an executed cell. A d2l error's
// report in a notebook (d2lerr.IsReportLine, after its one-line message) is a failure too,
// unless its line is in expectedStderr, the cell's ```stderr fence (a cell that shows an error
// on purpose).
func failures(c *notebook.Cell, ignore []*regexp.Regexp, expectedStderr string) []string {
	expected := map[string]bool{}
	for _, l := range strings.Split(expectedStderr, "\n") {
		expected[l] = true
	}
	var msgs []string
	for _, o := range c.Outputs {
		switch o.Type {
		case notebook.Error:
			msgs = append(msgs, fmt.Sprintf("error output: %s: %s%s", o.EName, firstLines(o.EValue, 6), cellLines(o.Traceback)))
		case notebook.Stream:
		lines:
			for _, line := range strings.Split(o.Text, "\n") {
				if o.Name == "stderr" && ignored(line, ignore) {
					continue
				}
				if o.Name == "stderr" && d2lerr.IsReportLine(line) && !expected[line] {
					msgs = append(msgs, fmt.Sprintf("stderr shows a d2l error: %s", firstLines(o.Text, 8)))
					break lines
				}
				for _, m := range failureMarkers {
					if strings.Contains(line, m) {
						msgs = append(msgs, fmt.Sprintf("%s shows %q: %s", o.Name, m, firstLines(o.Text, 8)))
						break lines
					}
				}
			}
		}
	}
	return msgs
}

// checkCell returns what is wrong with one executed code cell.
func checkCell(c *notebook.Cell, exp literate.Expect, ignore []*regexp.Regexp) []string {
	msgs := failures(c, ignore, exp.Stderr)
	if len(msgs) > 0 {
		return msgs
	}
	stdout := c.StreamText("stdout")
	var stderr strings.Builder
	for _, line := range strings.SplitAfter(c.StreamText("stderr"), "\n") {
		if line != "" && !ignored(strings.TrimSuffix(line, "\n"), ignore) {
			stderr.WriteString(line)
		}
	}
	var displays []string
	for _, o := range c.Outputs {
		if ph := o.Placeholder(); ph != "" {
			displays = append(displays, ph)
		}
	}
	if exp.Mode != literate.Skip {
		wantText, wantDisplays := exp.Displays()
		if d := diff(stdout, wantText, exp.Mode == literate.Match); d != "" {
			msgs = append(msgs, "stdout: "+d)
		}
		if strings.Join(displays, "\n") != strings.Join(wantDisplays, "\n") {
			msgs = append(msgs, fmt.Sprintf("displays: got %q, want %q", displays, wantDisplays))
		}
	}
	if d := diff(stderr.String(), exp.Stderr, false); d != "" {
		msgs = append(msgs, "stderr: "+d)
	}
	return msgs
}

// ignored reports whether line matches one of the patterns.
func ignored(line string, ignore []*regexp.Regexp) bool {
	for _, re := range ignore {
		if re.MatchString(line) {
			return true
		}
	}
	return false
}

// diff compares got with want line by line (trailing newlines at the end do not count) and
// returns "" when equal, else a short description of the first mismatch with context.
// With match, "..." inside a wanted line matches any text, and a wanted line that is only
// "..." matches any number of lines.
func diff(got, want string, match bool) string {
	g := splitText(got)
	w := splitText(want)
	if match {
		if matchLines(g, w) {
			return ""
		}
	} else if strings.Join(g, "\n") == strings.Join(w, "\n") {
		return ""
	}
	// First differing line.
	i := 0
	for i < len(g) && i < len(w) && (g[i] == w[i] || (match && matchLine(g[i], w[i]))) {
		i++
	}
	line := func(ls []string, i int) string {
		if i < len(ls) {
			return fmt.Sprintf("%q", ls[i])
		}
		return "(end of output)"
	}
	var sb strings.Builder
	fmt.Fprintf(&sb, "first mismatch at line %d: got %s, want %s", i+1, line(g, i), line(w, i))
	// A small diff: two lines of context, the differing lines, two after.
	lo := max(i-2, 0)
	for k := lo; k < i; k++ {
		fmt.Fprintf(&sb, "\n      %s", g[k])
	}
	for k := i; k < min(i+3, len(w)); k++ {
		fmt.Fprintf(&sb, "\n    - %s", w[k])
	}
	for k := i; k < min(i+3, len(g)); k++ {
		fmt.Fprintf(&sb, "\n    + %s", g[k])
	}
	if len(g) > i+3 || len(w) > i+3 {
		fmt.Fprintf(&sb, "\n    (%d lines got, %d wanted)", len(g), len(w))
	}
	return sb.String()
}

// splitText splits text into lines, ignoring newlines at its end; "" has no lines.
func splitText(s string) []string {
	s = strings.TrimRight(s, "\n")
	if s == "" {
		return nil
	}
	return strings.Split(s, "\n")
}

// matchLines matches got against want where a want line "..." matches any run of lines.
func matchLines(got, want []string) bool {
	if len(want) == 0 {
		return len(got) == 0
	}
	if want[0] == "..." {
		for k := 0; k <= len(got); k++ {
			if matchLines(got[k:], want[1:]) {
				return true
			}
		}
		return false
	}
	return len(got) > 0 && matchLine(got[0], want[0]) && matchLines(got[1:], want[1:])
}

// matchLine reports whether got matches want, where "..." in want matches any text.
func matchLine(got, want string) bool {
	if !strings.Contains(want, "...") {
		return got == want
	}
	parts := strings.Split(want, "...")
	for i, p := range parts {
		parts[i] = regexp.QuoteMeta(p)
	}
	return regexp.MustCompile("^" + strings.Join(parts, ".*") + "$").MatchString(got)
}

// firstLines returns at most n lines of s, with "..." when cut.
func firstLines(s string, n int) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	if len(lines) > n {
		lines = append(lines[:n], "...")
	}
	return strings.Join(lines, "\n    ")
}

// sourceDiff describes how a notebook cell differs from the generated one: the type, or
// the first differing line of the source.
func sourceDiff(gotType, got, wantType, want string) string {
	if gotType != wantType {
		return fmt.Sprintf("got a %s cell, want a %s cell %s", gotType, wantType, abbrev(want))
	}
	g, w := strings.Split(got, "\n"), strings.Split(want, "\n")
	i := 0
	for i < len(g) && i < len(w) && g[i] == w[i] {
		i++
	}
	line := func(ls []string) string {
		if i < len(ls) {
			return abbrev(ls[i])
		}
		return "(end of cell)"
	}
	return fmt.Sprintf("%s cell, line %d: got %s, want %s", gotType, i+1, line(g), line(w))
}

// abbrev quotes the first line of s, shortened to 80 bytes (at a rune boundary).
func abbrev(s string) string {
	first, _, _ := strings.Cut(s, "\n")
	if len(first) > 80 {
		cut := 80
		for cut > 0 && !utf8.RuneStart(first[cut]) {
			cut--
		}
		first = first[:cut] + "..."
	}
	return fmt.Sprintf("%q", first)
}

// Actual returns what an executed cell printed, in the form of the expected outputs of a
// source: stdout with one placeholder line per display output (in arrival order) and
// stderr without the ignored lines (nil ignore means DefaultIgnoreStderr). ok is false
// when the cell has an error output, a failure marker ("panic:", ...) in a stream or the
// report of a d2l error.
func Actual(c *notebook.Cell, ignore []*regexp.Regexp) (stdout, stderr string, ok bool) {
	if ignore == nil {
		ignore = DefaultIgnoreStderr
	}
	if len(failures(c, ignore, "")) > 0 {
		return "", "", false
	}
	var out, errs strings.Builder
	for _, o := range c.Outputs {
		switch {
		case o.Type == notebook.Stream && o.Name == "stdout":
			out.WriteString(o.Text)
		case o.Type == notebook.Stream:
			for _, line := range strings.SplitAfter(o.Text, "\n") {
				if line != "" && !ignored(strings.TrimSuffix(line, "\n"), ignore) {
					errs.WriteString(line)
				}
			}
		case o.Placeholder() != "":
			if out.Len() > 0 && !strings.HasSuffix(out.String(), "\n") {
				out.WriteString("\n")
			}
			out.WriteString(o.Placeholder() + "\n")
		}
	}
	return out.String(), errs.String(), true
}
