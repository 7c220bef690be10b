package d2l

import (
	"fmt"
	"strings"
	"sync"
	"unsafe"

	"github.com/gomlx/gomlx/core/graph"
	"github.com/gomlx/gomlx/core/tensors"
)

// The eager ops keep one *graph.Exec per op and configuration (padding, stride, ...), keyed by a
// string; each Exec compiles one graph per input shape and reuses it afterwards.
var opExecs = struct {
	sync.Mutex
	m map[string]*graph.Exec
}{m: map[string]*graph.Exec{}}

// opExec returns the cached Exec for key, creating it with newExec on first use.
func opExec(key string, newExec func() (*graph.Exec, error)) *graph.Exec {
	opExecs.Lock()
	defer opExecs.Unlock()
	if e, ok := opExecs.m[key]; ok {
		return e
	}
	e, err := newExec()
	if err != nil {
		panic(err)
	}
	e.SetMaxCache(-1) // notebooks and tests try many shapes; graphs are small
	opExecs.m[key] = e
	return e
}

// exec1 runs the one-input graph function cached under key on x.
func exec1(key string, f func(x *graph.Node) *graph.Node, x *tensors.Tensor) *tensors.Tensor {
	e := opExec(key, func() (*graph.Exec, error) { return graph.NewExec(Backend(), f) })
	return first(e.Exec(x))
}

// exec2 runs the two-input graph function cached under key on (x, y).
func exec2(key string, f func(x, y *graph.Node) *graph.Node, x, y *tensors.Tensor) *tensors.Tensor {
	e := opExec(key, func() (*graph.Exec, error) { return graph.NewExec(Backend(), f) })
	return first(e.Exec(x, y))
}

// exec3 runs the three-input graph function cached under key on (x, y, z).
func exec3(key string, f func(x, y, z *graph.Node) *graph.Node, x, y, z *tensors.Tensor) *tensors.Tensor {
	e := opExec(key, func() (*graph.Exec, error) { return graph.NewExec(Backend(), f) })
	return first(e.Exec(x, y, z))
}

func first(outs []*tensors.Tensor, err error) *tensors.Tensor {
	if err != nil {
		panic(err)
	}
	return outs[0]
}

// evalCacheSize bounds the number of graph functions Eval keeps compiled.
const evalCacheSize = 64

// evalEntry keeps the function value alive (so its address, the cache key, stays unique).
type evalEntry struct {
	fn   any
	exec *graph.Exec
	used uint64
}

var evalExecs = struct {
	sync.Mutex
	m    map[uintptr]*evalEntry
	tick uint64
}{m: map[uintptr]*evalEntry{}}

// funcKey returns the address of the function value's closure record: equal for the same
// function value, different for two closures alive at the same time.
func funcKey[F any](fn *F) uintptr {
	return *(*uintptr)(unsafe.Pointer(fn))
}

// evalExec returns the cached Exec for graphFn (least recently used ones are dropped).
func evalExec[F graph.ExecGraphFn](graphFn F) *graph.Exec {
	key := funcKey(&graphFn)
	evalExecs.Lock()
	defer evalExecs.Unlock()
	evalExecs.tick++
	if ent, ok := evalExecs.m[key]; ok {
		ent.used = evalExecs.tick
		return ent.exec
	}
	if len(evalExecs.m) >= evalCacheSize {
		var oldKey uintptr
		oldest := ^uint64(0)
		for k, ent := range evalExecs.m {
			if ent.used < oldest {
				oldKey, oldest = k, ent.used
			}
		}
		delete(evalExecs.m, oldKey)
	}
	e, err := graph.NewExec(Backend(), graphFn)
	if err != nil {
		panic(&Error{Func: "d2l.Eval", Arg: "graphFn", Got: oneLine(err.Error()), Want: "a GoMLX graph function"})
	}
	e.SetMaxCache(-1)
	evalExecs.m[key] = &evalEntry{fn: graphFn, exec: e, used: evalExecs.tick}
	return e
}

// Eval runs a GoMLX graph function eagerly and returns its single output. graphFn has one of the
// forms graph.NewExec accepts, e.g. func(x *graph.Node) *graph.Node or
// func(x, w *graph.Node) *graph.Node; inputs are *tensors.Tensor values (or Go scalars/slices),
// one per *graph.Node parameter. The graph is compiled once per function value and input
// shapes, and reused:
//
//	sq := func(x *graph.Node) *graph.Node { return graph.Mul(x, x) }
//	Y := d2l.Eval(sq, X) // Y has X's shape
//
// Errors while building or running the graph panic with a one-line *Error.
func Eval[F graph.ExecGraphFnOneOutput](graphFn F, inputs ...any) *tensors.Tensor {
	outs := evalRun(graphFn, inputs)
	return outs[0]
}

// EvalN is Eval for graph functions with several outputs (two, three, or a []*graph.Node); it
// returns them in order.
func EvalN[F graph.ExecGraphFn](graphFn F, inputs ...any) []*tensors.Tensor {
	return evalRun(graphFn, inputs)
}

func evalRun[F graph.ExecGraphFn](graphFn F, inputs []any) []*tensors.Tensor {
	for i, in := range inputs {
		if t, ok := in.(*tensors.Tensor); ok && t == nil {
			fail("d2l.Eval", fmt.Sprintf("inputs[%d]", i), "a tensor", "nil")
		}
	}
	e := evalExec(graphFn)
	outs, err := e.Exec(inputs...)
	if err != nil {
		msg := oneLine(err.Error())
		if i := strings.LastIndex(msg, "panicked: "); i >= 0 {
			msg = msg[i+len("panicked: "):] // drop GoMLX's wrapping, keep the cause
		}
		panic(&Error{Func: "d2l.Eval", Got: msg, Want: "a graph that builds and runs"})
	}
	return outs
}
