package d2l

import (
	"fmt"
	"runtime"
	"strings"
)

// Error is the error every d2l function panics with on bad input. Its message is one line:
//
//	d2l.Corr2D: argument K: got shape [3 3 3] (rank 3), want rank 2 [kh, kw]
//
// Use Try to turn the panic into an ordinary error.
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
func (e *Error) Error() string {
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
	return oneLine(b.String())
}

// oneLine keeps only the first line of s (GoMLX errors may carry stack traces).
func oneLine(s string) string {
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		s = s[:i]
	}
	return strings.TrimSpace(s)
}

// fail panics with a *Error.
func fail(fn, arg, want, gotFormat string, args ...any) {
	panic(&Error{Func: fn, Arg: arg, Got: fmt.Sprintf(gotFormat, args...), Want: want})
}

// Try runs f and returns the *Error it panicked with, or nil if it returned normally. Any other
// panic (a bug, in the program or in d2l) is not an input error: Try lets it continue, with its
// stack, instead of turning it into an error value.
//
//	err := d2l.Try(func() { d2l.Corr2D(X, K) })
func Try(f func()) (err error) {
	defer func() {
		r := recover()
		if r == nil {
			return
		}
		if e, ok := r.(*Error); ok {
			err = e
			return
		}
		panic(r)
	}()
	f()
	return nil
}

// guard converts any panic other than *Error raised while running an op (for instance an
// error from the backend) into a *Error naming fn. Use as: defer guard("d2l.Corr2D").
func guard(fn string) {
	r := recover()
	if r == nil {
		return
	}
	if e, ok := r.(*Error); ok {
		panic(e)
	}
	if _, ok := r.(runtime.Error); ok {
		panic(r) // a bug (nil dereference, index out of range, ...): keep its stack
	}
	msg := fmt.Sprint(r)
	if e, ok := r.(error); ok {
		msg = e.Error()
	}
	panic(&Error{Func: fn, Got: "internal error: " + oneLine(msg), Want: "none (please report this)"})
}
