// Package d2lerr holds the one error type of d2l-go's packages (d2l, cnn, draw): a one-line
// message naming the function, the argument at fault, what was given and what was expected.
// Users see it as d2l.Error (an alias); it lives here so that cnn and draw, which d2l imports,
// can panic with it too, and d2l.Try catches their errors like its own.
package d2lerr

import (
	"fmt"
	"strings"
)

// Error is the error d2l, cnn and draw panic with on bad input. Its message is one line:
//
//	d2l.Corr2D: argument K: got shape [3 3 3] (rank 3), want rank 2 [kh, kw]
type Error struct {
	// Func is the qualified function name, e.g. "d2l.Corr2D".
	Func string
	// Arg is the argument at fault, e.g. "K"; empty when the error is not about one argument.
	Arg string
	// Got describes what was given, e.g. "shape [3 3 3] (rank 3)".
	Got string
	// Want describes what was expected, e.g. "rank 2 [kh, kw]".
	Want string
}

// Error returns the one-line message "Func: argument Arg: got Got, want Want".
//
// When Go calls it to report an *Error that nothing recovered, in a notebook cell's program,
// Error writes the message and the lines of the notebook's code that made the call to stderr
// and ends the program, instead of Go's goroutine trace (see crashReport).
func (e *Error) Error() string {
	msg := e.message()
	crashReport(msg)
	return msg
}

// message returns the one-line message of Error.
func (e *Error) message() string {
	var b strings.Builder
	b.WriteString(e.Func)
	b.WriteString(": ")
	if e.Arg != "" {
		b.WriteString("argument ")
		b.WriteString(e.Arg)
		b.WriteString(": ")
	}
	b.WriteString("got ")
	b.WriteString(e.Got)
	if e.Want != "" {
		b.WriteString(", want ")
		b.WriteString(e.Want)
	}
	return OneLine(b.String())
}

// OneLine keeps only the first line of s (GoMLX errors may carry stack traces), trimmed.
func OneLine(s string) string {
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		s = s[:i]
	}
	return strings.TrimSpace(s)
}

// Fail panics with an *Error whose Got is gotFormat formatted with args.
func Fail(fn, arg, want, gotFormat string, args ...any) {
	panic(&Error{Func: fn, Arg: arg, Got: fmt.Sprintf(gotFormat, args...), Want: want})
}
