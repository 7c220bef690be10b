package d2l

import (
	"fmt"
	"runtime"

	"github.com/d2l-go/d2l-go/internal/d2lerr"
)

// Error is the error every d2l function panics with on bad input; cnn and draw panic with it too.
// Its message is one line:
//
//	d2l.Corr2D: argument K: got shape [3 3 3] (rank 3), want rank 2 [kh, kw]
//
// Its fields are Func (e.g. "d2l.Corr2D"), Arg (the argument at fault, empty when the error is
// not about one argument), Got and Want. Use Try to turn the panic into an ordinary error.
//
// In a notebook cell (a program GoNB runs), an Error that nothing recovers ends the program
// with that one line and, under it, the lines of the notebook's own code that made the call,
// instead of Go's goroutine trace:
//
//	d2l.Corr2D: argument K: got shape [3 3 3] (rank 3), want rank 2 [kh, kw]
//	    在这一格: d2l.Print(d2l.Corr2D(X, K))
//
// Nothing is installed for this: Go itself calls the Error method when it is about to crash.
// Any other panic, a runtime error in the notebook's code included, keeps Go's report.
type Error = d2lerr.Error

// oneLine keeps only the first line of s (GoMLX errors may carry stack traces).
func oneLine(s string) string { return d2lerr.OneLine(s) }

// fail panics with a *Error.
func fail(fn, arg, want, gotFormat string, args ...any) {
	d2lerr.Fail(fn, arg, want, gotFormat, args...)
}

// Try runs f and returns the *Error it panicked with (d2l's, cnn's or draw's), or nil if it
// returned normally. Any other panic (a bug, in the program or in d2l) is not an input error:
// Try lets it continue, with its stack, instead of turning it into an error value.
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
