package d2l

import (
	"fmt"
	"reflect"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/d2l-go/d2l-go/cnn"
	"github.com/gomlx/compute"
	"github.com/gomlx/compute/dtypes"
	"github.com/gomlx/compute/shapes"
	"github.com/gomlx/gomlx/core/graph"
	"github.com/gomlx/gomlx/core/tensors"
)

// Caching rule of this file: a compiled graph is reused only under a key that fully determines
// the graph, so that a cached result can never differ from what the code says now. All
// compiled graphs live in one bounded cache (cache.go), whatever made them:
//
//   - The eager ops of this package (Corr2D, the layers' Forward, ...) use execOp: their graph
//     functions capture nothing but what their string key holds (the op and its
//     configuration); opKey adds the backend and cnn's implementation settings, and execOp the
//     inputs' dtypes and shapes. The graph is built only when the key is new.
//   - Eval and EvalN build the user's graph on every call, so that captured variables are read
//     now, and reuse a compiled graph only when the graph just built makes the same calls to
//     the backend, argument for argument (its structural key, graphkey.go).
//   - Compile returns an explicit handle (Op) that builds once per input shape, as graph.Exec
//     does: captured variables are read when a shape is first seen. That is its documented
//     contract.
//   - Sequential keys its graphs by its layers' kinds and configurations (layer.go).
//
// Running (run): inputs go to the backend as buffers made for the call and given to it; results
// come back as tensors in Go memory, and the backend's output buffers are freed at once (ONNX
// Runtime then reuses them for the next call). No tensor d2l returns holds memory that Go's
// garbage collector cannot see, so a result nobody frees costs what a freed one does.

// opKey completes the key of an eager op with what else decides its graph: the backend and
// cnn's implementation settings for it (cnn.SetConvImpl, D2L_CONV_IMPL).
func opKey(key string) string {
	b := Backend()
	return key + "|" + b.Name() + "|" + cnn.SettingsKey(b.Name())
}

// shapesKey describes the dtypes and shapes of inputs for a cache key.
func shapesKey(ts []*tensors.Tensor) string {
	var b strings.Builder
	for _, t := range ts {
		b.WriteString("|")
		b.WriteString(t.Shape().String())
	}
	return b.String()
}

// buildFunc builds a graph's outputs from its parameters (one per input).
type buildFunc func(g *graph.Graph, params []*graph.Node) []*graph.Node

// buildGraph builds a graph on the recording backend of Backend(): one parameter per shape,
// then build. It returns the graph, its outputs and its recorder.
func buildGraph(fn string, ins []shapes.Shape, lift bool, build buildFunc) (*graph.Graph, []*graph.Node, *recorder) {
	b := Backend()
	name, r := newRecording(b, fn, lift)
	defer pending.Delete(name) // when building failed before the builder was made
	g := graph.NewGraph(recording(b), name)
	params := make([]*graph.Node, len(ins))
	for i, s := range ins {
		params[i] = graph.Parameter(g, fmt.Sprintf("arg%d", i), s)
	}
	return g, build(g, params), r
}

// newProgram wraps the executable g compiled for outs.
func newProgram(g *graph.Graph, r *recorder, outs []*graph.Node) *program {
	p := &program{exe: g.Executable(), params: r.params, lifted: len(r.lifted)}
	for _, n := range g.Nodes() {
		if n.NumOutputs() == 1 {
			p.bytes += n.Shape().ByteSize()
		}
	}
	for _, o := range outs {
		p.outs = append(p.outs, o.Shape())
	}
	return p
}

// compileKeyed returns the cache entry (reference taken) of the graph that build makes for
// inputs of shapes ins, under key: built and compiled only if key is new. The caller
// guarantees that key determines the graph.
//
// finish, if given, completes the new program before it is cached (Sequential records the
// number of classes there).
func compileKeyed(fn, key string, ins []shapes.Shape, build buildFunc, finish ...func(*program)) *cacheEntry {
	if e := programs.get(key); e != nil {
		return e
	}
	g, outs, r := buildGraph(fn, ins, false, build)
	if err := g.Compile(outs...); err != nil {
		panic(err)
	}
	p := newProgram(g, r, outs)
	for _, f := range finish {
		f(p)
	}
	return programs.add(key, p)
}

// placeholder is what the recording builder returns to GoMLX when the cache already holds the
// graph's executable: the graph just built is dropped, never run.
type placeholder struct{}

func (placeholder) Finalize()                          {}
func (placeholder) Inputs() ([]string, []shapes.Shape) { return nil, nil }
func (placeholder) Outputs() []shapes.Shape            { return nil }
func (placeholder) Execute([]compute.Buffer, []bool, compute.DeviceNum) ([]compute.Buffer, error) {
	return nil, fmt.Errorf("d2l: placeholder executable run (a bug in d2l)")
}

// compileStructural builds the graph on every call and returns the cache entry (reference
// taken) of its structural key, compiling only a graph the cache does not hold, the values of
// the constants lifted into parameters (when lift is set), and whether it compiled. A graph
// whose key the recorder could not complete is compiled for this call alone.
func compileStructural(fn string, ins []shapes.Shape, lift bool, build buildFunc, finish ...func(*program)) (e *cacheEntry, consts []lifted, compiled bool) {
	var hit *cacheEntry
	g, outs, r := buildGraph(fn, ins, lift, build)
	r.compile = func(r *recorder) (compute.Executable, bool) {
		if r.uncacheable != "" {
			return nil, false
		}
		if hit = programs.get(string(r.key)); hit != nil {
			return placeholder{}, true
		}
		return nil, false
	}
	if err := g.Compile(outs...); err != nil {
		if hit != nil {
			programs.release(hit)
		}
		panic(err)
	}
	if hit != nil {
		return hit, r.lifted, false
	}
	p := newProgram(g, r, outs)
	for _, f := range finish {
		f(p)
	}
	if r.uncacheable != "" {
		return &cacheEntry{p: p, refs: 1, evicted: true}, r.lifted, true // freed by release
	}
	return programs.add(string(r.key), p), r.lifted, true
}

// run executes p on inputs (and lifted constants) and returns its outputs as tensors in Go
// memory. Inputs already on the backend are used in place; the others are copied into buffers
// staged for the program (reused from run to run where the backend shares buffers with the
// host, else made for the call and given to the backend). Output buffers are freed after their
// values are copied out, so that the backend can reuse them (ONNX Runtime keeps them for the
// next run) and no result holds memory Go's garbage collector cannot see.
func run(p *program, inputs []*tensors.Tensor, consts []lifted) []*tensors.Tensor {
	b := Backend()
	n := len(inputs) + len(consts)
	bufs := make([]compute.Buffer, n)
	donate := make([]bool, n)
	stagedAt := map[int]staged{}
	defer func() {
		for i, s := range stagedAt {
			p.unstage(i, s)
		}
		for i, buf := range bufs { // made for this call and not given to the backend (an error)
			if donate[i] && buf != nil {
				_ = buf.Finalize()
			}
		}
	}()
	put := func(i int, shape shapes.Shape, withFlat func(func(flat any))) {
		if b.HasSharedBuffers() {
			s, err := p.stage(b, i, shape)
			if err != nil {
				panic(err)
			}
			stagedAt[i] = s
			withFlat(func(flat any) { dtypes.CopyAnySlice(s.flat, flat) })
			bufs[i] = s.buf
			return
		}
		var err error
		withFlat(func(flat any) { bufs[i], err = b.BufferFromFlatData(0, flat, shape) })
		if err != nil {
			panic(err)
		}
		donate[i] = true
	}
	for i, t := range inputs {
		if tb, err := t.Backend(); err == nil && tb == b && t.IsOnDevice(0) {
			buf, err := t.Buffer(b, 0)
			if err != nil {
				panic(err)
			}
			bufs[i] = buf
			continue
		}
		put(i, t.Shape(), t.MustConstFlatData)
	}
	for k, c := range consts {
		put(len(inputs)+k, c.shape, func(f func(any)) { f(c.flat) })
	}
	outs, err := p.exe.Execute(bufs, donate, 0)
	for i := range donate {
		if donate[i] {
			bufs[i] = nil // the backend owns them now
		}
	}
	if err != nil {
		panic(err)
	}
	res := make([]*tensors.Tensor, len(outs))
	for i, buf := range outs {
		t, err := toHost(buf)
		if err != nil {
			for _, o := range outs[i:] {
				_ = o.Finalize()
			}
			panic(err)
		}
		res[i] = t
	}
	return res
}

// toHost copies an output buffer into a new tensor in Go memory and frees the buffer.
func toHost(buf compute.Buffer) (*tensors.Tensor, error) {
	t, err := tensors.FromBuffer(buf)
	if err == nil {
		err = t.ToLocal()
	}
	return t, err
}

// execOp runs the graph function f (any form graph.NewExec accepts) cached under key on
// inputs and returns its first output. f may capture nothing that key does not describe.
func execOp(key string, f any, inputs ...*tensors.Tensor) *tensors.Tensor {
	key = opKey(key) + shapesKey(inputs)
	e := compileKeyed(key, key, shapesOf(inputs), func(g *graph.Graph, params []*graph.Node) []*graph.Node {
		return canonical(f, g, params)
	})
	defer programs.release(e)
	return run(e.p, inputs, nil)[0]
}

// shapesOf returns the shapes of ts.
func shapesOf(ts []*tensors.Tensor) []shapes.Shape {
	s := make([]shapes.Shape, len(ts))
	for i, t := range ts {
		s[i] = t.Shape()
	}
	return s
}

// exec1 runs the one-input graph function cached under key on x.
func exec1(key string, f func(x *graph.Node) *graph.Node, x *tensors.Tensor) *tensors.Tensor {
	return execOp(key, f, x)
}

// exec2 runs the two-input graph function cached under key on (x, y).
func exec2(key string, f func(x, y *graph.Node) *graph.Node, x, y *tensors.Tensor) *tensors.Tensor {
	return execOp(key, f, x, y)
}

// exec3 runs the three-input graph function cached under key on (x, y, z).
func exec3(key string, f func(x, y, z *graph.Node) *graph.Node, x, y, z *tensors.Tensor) *tensors.Tensor {
	return execOp(key, f, x, y, z)
}

// evalCompiles counts the graphs Eval and EvalN compiled (for tests).
var evalCompiles atomic.Int64

var (
	nodeType  = reflect.TypeFor[*graph.Node]()
	graphType = reflect.TypeFor[*graph.Graph]()
	nodesType = reflect.TypeFor[[]*graph.Node]()
)

// canonical calls graphFn, one of the forms of graph.ExecGraphFn, with the parameters params of
// g and returns its outputs as a slice.
func canonical(graphFn any, g *graph.Graph, params []*graph.Node) []*graph.Node {
	fv := reflect.ValueOf(graphFn)
	ft := fv.Type()
	var args []reflect.Value
	switch {
	case ft.NumIn() == 1 && ft.In(0) == graphType:
		args = []reflect.Value{reflect.ValueOf(g)}
	case ft.NumIn() == 1 && ft.In(0) == nodesType:
		args = []reflect.Value{reflect.ValueOf(params)}
	case ft.NumIn() == 2 && ft.In(0) == graphType && ft.In(1) == nodesType:
		args = []reflect.Value{reflect.ValueOf(g), reflect.ValueOf(params)}
	default:
		if ft.NumIn() != len(params) {
			panic(&Error{Func: "d2l.Eval", Arg: "inputs", Got: fmt.Sprintf("%d inputs", len(params)),
				Want: fmt.Sprintf("%d (one per *graph.Node parameter of graphFn)", ft.NumIn())})
		}
		for i := range ft.NumIn() {
			if ft.In(i) != nodeType {
				panic(&Error{Func: "d2l.Eval", Arg: "graphFn", Got: ft.String(), Want: "a GoMLX graph function"})
			}
			args = append(args, reflect.ValueOf(params[i]))
		}
	}
	res := fv.Call(args)
	if len(res) == 1 && ft.Out(0) == nodesType {
		return res[0].Interface().([]*graph.Node)
	}
	outs := make([]*graph.Node, len(res))
	for i, r := range res {
		outs[i] = r.Interface().(*graph.Node)
	}
	return outs
}

// Eval runs a GoMLX graph function eagerly and returns its single output. graphFn has one of the
// forms graph.NewExec accepts, e.g. func(x *graph.Node) *graph.Node or
// func(x, w *graph.Node) *graph.Node; inputs are *tensors.Tensor values (or Go scalars/slices),
// one per *graph.Node parameter:
//
//	sq := func(x *graph.Node) *graph.Node { return graph.Mul(x, x) }
//	Y := d2l.Eval(sq, X) // Y has X's shape
//
// Eval is eager: the graph is built on every call, so variables graphFn captures are read now.
// Compiling is what costs; a graph that makes the same calls to the backend, with the same
// arguments, as one compiled before reuses that compiled graph (see the package doc for the
// cache). A captured tensor of 32 or more elements (graph.ConstTensor) is passed to the
// compiled graph as an input, so the graph compiles once however the tensor's values change.
// Safe for concurrent use.
//
// Errors while building or running the graph panic with a one-line *Error.
func Eval[F graph.ExecGraphFnOneOutput](graphFn F, inputs ...any) *tensors.Tensor {
	outs := evalRun("d2l.Eval", graphFn, inputs)
	return outs[0]
}

// EvalN is Eval for graph functions with several outputs (two, three, or a []*graph.Node); it
// returns them in order.
func EvalN[F graph.ExecGraphFn](graphFn F, inputs ...any) []*tensors.Tensor {
	return evalRun("d2l.EvalN", graphFn, inputs)
}

// toTensors converts the inputs of Eval to tensors (Go scalars and slices as tensors.FromAnyValue
// does), panicking with a *Error naming fn on nil or unconvertible values.
func toTensors(fn string, inputs []any) []*tensors.Tensor {
	ts := make([]*tensors.Tensor, len(inputs))
	for i, in := range inputs {
		switch v := in.(type) {
		case *tensors.Tensor:
			if v == nil {
				fail(fn, fmt.Sprintf("inputs[%d]", i), "a tensor", "nil")
			}
			ts[i] = v
		case nil:
			fail(fn, fmt.Sprintf("inputs[%d]", i), "a tensor", "nil")
		default:
			t, ok := fromAny(v)
			if !ok {
				fail(fn, fmt.Sprintf("inputs[%d]", i), "a tensor, a Go number or a (nested) slice of numbers", "%T", v)
			}
			ts[i] = t
		}
	}
	return ts
}

// fromAny converts a Go number or (nested) slice to a tensor; false if it cannot.
func fromAny(v any) (t *tensors.Tensor, ok bool) {
	defer func() {
		if recover() != nil {
			t, ok = nil, false
		}
	}()
	t, err := tensors.FromAnyValue(v)
	return t, err == nil
}

// runError converts what building or running a graph panicked with into a *Error naming fn.
func runError(fn string, r any) *Error {
	if e, ok := r.(*Error); ok {
		return e
	}
	msg := fmt.Sprint(r)
	if e, ok := r.(error); ok {
		msg = e.Error()
	}
	msg = oneLine(msg)
	if i := strings.LastIndex(msg, "panicked: "); i >= 0 {
		msg = msg[i+len("panicked: "):] // drop GoMLX's wrapping, keep the cause
	}
	return &Error{Func: fn, Got: msg, Want: "a graph that builds and runs"}
}

func evalRun(fn string, graphFn any, inputs []any) (outs []*tensors.Tensor) {
	if reflect.ValueOf(graphFn).IsNil() {
		fail(fn, "graphFn", "a GoMLX graph function", "nil")
	}
	ts := toTensors(fn, inputs)
	defer func() {
		if r := recover(); r != nil {
			if _, ok := r.(runtime.Error); ok {
				panic(r) // a bug in graphFn (nil dereference, index out of range): keep its stack
			}
			panic(runError(fn, r))
		}
	}()
	e, consts, compiled := compileStructural(fn, shapesOf(ts), true, func(g *graph.Graph, params []*graph.Node) []*graph.Node {
		return canonical(graphFn, g, params)
	})
	defer programs.release(e)
	if compiled {
		evalCompiles.Add(1)
	}
	return run(e.p, ts, consts)
}

// Op is a graph function compiled explicitly with Compile: one compiled graph per input shape,
// built the first time Call sees that shape. Variables the function captures are read then,
// not on later calls (use Eval to read them on every call). Its compiled graphs share d2l's
// bounded cache: an evicted shape is compiled again when it comes back (reading the captured
// variables again). Safe for concurrent use.
type Op struct {
	mu      sync.RWMutex // Call holds it for reading, Close for writing
	graphFn any
	prefix  string // of its cache keys
	closed  bool
}

var opSeq atomic.Int64

// Compile returns graphFn (any form graph.NewExec accepts) as an Op, to run many times on
// tensors of the same shapes without building the graph again:
//
//	op := d2l.Compile(func(x *graph.Node) *graph.Node { return graph.Mul(x, x) })
//	defer op.Close()
//	Y := op.Call(X) // X [n, ...] -> Y [n, ...]
func Compile[F graph.ExecGraphFn](graphFn F) *Op {
	if reflect.ValueOf(graphFn).IsNil() {
		fail("d2l.Compile", "graphFn", "a GoMLX graph function", "nil")
	}
	return &Op{graphFn: graphFn, prefix: fmt.Sprintf("op#%d|", opSeq.Add(1))}
}

// Call runs the Op on inputs (one per *graph.Node parameter) and returns its first output.
func (op *Op) Call(inputs ...any) *tensors.Tensor {
	return op.run("d2l.Op.Call", inputs)[0]
}

// CallN runs the Op on inputs and returns all its outputs, in order.
func (op *Op) CallN(inputs ...any) []*tensors.Tensor {
	return op.run("d2l.Op.CallN", inputs)
}

func (op *Op) run(fn string, inputs []any) []*tensors.Tensor {
	if op == nil || op.graphFn == nil {
		fail(fn, "op", "an Op made by d2l.Compile", "nil")
	}
	op.mu.RLock()
	defer op.mu.RUnlock()
	if op.closed {
		panic(&Error{Func: fn, Got: "a closed Op", Want: "an Op before Close"})
	}
	ts := toTensors(fn, inputs)
	defer func() {
		if r := recover(); r != nil {
			if _, ok := r.(runtime.Error); ok {
				panic(r)
			}
			panic(runError(fn, r))
		}
	}()
	key := op.prefix + Backend().Name() + shapesKey(ts)
	e := compileKeyed(fn, key, shapesOf(ts), func(g *graph.Graph, params []*graph.Node) []*graph.Node {
		return canonical(op.graphFn, g, params)
	})
	defer programs.release(e)
	return run(e.p, ts, nil)
}

// Close frees the compiled graphs (backend executables such as ONNX Runtime sessions). The Op
// must not be used afterwards; Close is idempotent.
func (op *Op) Close() {
	if op == nil {
		return
	}
	op.mu.Lock()
	defer op.mu.Unlock()
	if !op.closed && op.graphFn != nil {
		op.closed = true
		programs.drop(op.prefix)
	}
}
