package d2l

import (
	"crypto/sha256"
	"fmt"
	"reflect"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/d2l-go/d2l-go/cnn"
	"github.com/gomlx/gomlx/core/graph"
	"github.com/gomlx/gomlx/core/tensors"
)

// Caching rule of this file: a compiled graph is reused only under a key that fully determines
// the graph, so that a cached result can never differ from what the code says now.
//
//   - The eager ops of this package (Corr2D, the layers' Forward, ...) use opExec: their graph
//     functions capture nothing but what their string key holds (the op and its configuration),
//     plus the backend and cnn's implementation settings, which opKey adds.
//   - Eval and EvalN build the user's graph on every call, so that captured variables are read
//     now, and reuse a compiled graph only when the graph just built is the same, node for
//     node (evalCache, keyed by a digest of the graph).
//   - Compile returns an explicit handle (Op) that builds once per input shape, as graph.Exec
//     does: captured variables are read when a shape is first seen. That is its documented
//     contract.
//   - Sequential keys its graphs by the structure of its layers (see lenet.go).
//
// Evicted entries are finalized (their backend executables freed, e.g. ONNX Runtime sessions)
// once no goroutine is running them.

// lru is a small least-recently-used cache of compiled graphs with reference counts: an entry
// evicted while in use is freed by its last user.
type lru[V any] struct {
	mu   sync.Mutex
	max  int
	tick uint64
	m    map[string]*lruEntry[V]
	free func(V)
}

type lruEntry[V any] struct {
	key     string
	v       V
	used    uint64
	refs    int
	evicted bool
	run     sync.Mutex // held while running v on backends that cannot run it concurrently
}

// exclusive locks mu when the backend's executables may not run concurrently and returns the
// matching unlock (a no-op otherwise). GoMLX's pure-Go backend and XLA run one executable from
// several goroutines at once; ONNX Runtime's CPU executables do not (compute-onnx shares one
// input array per executable), and backends not known to be safe are treated likewise.
func exclusive(mu *sync.Mutex) (unlock func()) {
	if concurrentExecs() {
		return func() {}
	}
	mu.Lock()
	return mu.Unlock
}

// concurrentExecs reports whether the backend's executables may run from several goroutines.
func concurrentExecs() bool {
	name := strings.ToLower(Backend().Name())
	return cnn.IsGoBackend(name) || strings.Contains(name, "xla") || strings.Contains(name, "pjrt")
}

func newLRU[V any](maxEntries int, free func(V)) *lru[V] {
	return &lru[V]{max: maxEntries, m: map[string]*lruEntry[V]{}, free: free}
}

// get returns the entry for key (a reference is taken; call release when done), or nil.
func (c *lru[V]) get(key string) *lruEntry[V] {
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := c.m[key]
	if !ok {
		return nil
	}
	c.tick++
	e.used = c.tick
	e.refs++
	return e
}

// add stores v under key and returns its entry with a reference taken. If another goroutine
// stored key meanwhile, v is freed and that entry is returned.
func (c *lru[V]) add(key string, v V) *lruEntry[V] {
	c.mu.Lock()
	if e, ok := c.m[key]; ok {
		c.tick++
		e.used = c.tick
		e.refs++
		c.mu.Unlock()
		c.free(v)
		return e
	}
	var toFree []V
	for len(c.m) >= c.max {
		var oldest *lruEntry[V]
		for _, e := range c.m {
			if oldest == nil || e.used < oldest.used {
				oldest = e
			}
		}
		delete(c.m, oldest.key)
		oldest.evicted = true
		if oldest.refs == 0 {
			toFree = append(toFree, oldest.v)
		}
	}
	c.tick++
	e := &lruEntry[V]{key: key, v: v, used: c.tick, refs: 1}
	c.m[key] = e
	c.mu.Unlock()
	for _, v := range toFree {
		c.free(v)
	}
	return e
}

// release drops the reference get or add took; an evicted entry is freed by its last user.
func (c *lru[V]) release(e *lruEntry[V]) {
	c.mu.Lock()
	e.refs--
	free := e.evicted && e.refs == 0
	c.mu.Unlock()
	if free {
		c.free(e.v)
	}
}

// len returns the number of cached entries.
func (c *lru[V]) len() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.m)
}

// opExecs holds one *graph.Exec per eager op and configuration; each compiles one graph per
// input shape (at most opExecShapes) and reuses it.
var opExecs = newLRU(256, func(e *graph.Exec) { e.Finalize() })

const opExecShapes = 64

// opKey completes the key of an eager op with what else decides its graph: the backend and
// cnn's implementation settings for it (cnn.SetConvImpl, D2L_CONV_IMPL).
func opKey(key string) string {
	b := Backend()
	return key + "|" + b.Name() + "|" + cnn.SettingsKey(b.Name())
}

// execOp runs the graph function cached under key on inputs and returns its first output.
// f may capture nothing that key does not describe.
func execOp[F graph.ExecGraphFn](key string, f F, inputs ...any) *tensors.Tensor {
	key = opKey(key)
	e := opExecs.get(key)
	if e == nil {
		ex, err := graph.NewExec(Backend(), f)
		if err != nil {
			panic(err)
		}
		ex.SetMaxCache(opExecShapes)
		e = opExecs.add(key, ex)
	}
	defer opExecs.release(e)
	defer exclusive(&e.run)()
	return first(e.v.Exec(inputs...))
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

func first(outs []*tensors.Tensor, err error) *tensors.Tensor {
	if err != nil {
		panic(err)
	}
	return outs[0]
}

// evalCompiles counts the graphs Eval and EvalN compiled (for tests).
var evalCompiles atomic.Int64

// evalCacheSize bounds the number of graphs Eval keeps compiled.
const evalCacheSize = 64

// evalCache maps a digest of a built graph to the compiled graph.
var evalCache = newLRU(evalCacheSize, func(g *graph.Graph) { g.Finalize() })

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

// graphDigest returns a digest of everything that decides what g computes (its nodes with
// their types, parameters, shapes and constant values; the outputs; the backend), and false
// when g holds a constant too large for GoMLX to keep its value (then it cannot be cached).
func graphDigest(g *graph.Graph, outs []*graph.Node) (string, bool) {
	h := sha256.New()
	fmt.Fprintf(h, "%s\n", g.Backend().Name())
	for _, n := range g.Nodes() {
		if n.Type() == graph.NodeTypeConstant && n.ConstantValue() == nil {
			return "", false
		}
		fmt.Fprintf(h, "%s\n", n)
	}
	for _, o := range outs {
		fmt.Fprintf(h, "out #%d\n", o.Id())
	}
	return string(h.Sum(nil)), true
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
// Compiling is what costs; a graph identical, node for node and constant for constant, to one
// compiled before reuses that compiled graph (up to 64 are kept, least recently used ones are
// freed). Graphs that embed a captured tensor of 32 or more elements as a constant are compiled
// on every call; pass such tensors as inputs instead, or use Compile. Safe for concurrent use.
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
	g := graph.NewGraph(Backend(), fn)
	var built bool
	defer func() {
		if r := recover(); r != nil {
			if !built {
				g.Finalize()
			}
			if _, ok := r.(runtime.Error); ok {
				panic(r) // a bug in graphFn (nil dereference, index out of range): keep its stack
			}
			panic(runError(fn, r))
		}
	}()
	params := make([]*graph.Node, len(ts))
	for i, t := range ts {
		params[i] = graph.Parameter(g, fmt.Sprintf("arg%d", i), t.Shape())
	}
	nodes := canonical(graphFn, g, params)
	args := make([]any, len(ts))
	for i, t := range ts {
		args[i] = t
	}
	key, cacheable := graphDigest(g, nodes)
	if cacheable {
		if e := evalCache.get(key); e != nil {
			g.Finalize() // the same graph is compiled already
			built = true
			defer evalCache.release(e)
			defer exclusive(&e.run)()
			return e.v.Run(args...)
		}
	}
	if err := g.Compile(nodes...); err != nil {
		panic(err)
	}
	evalCompiles.Add(1)
	if !cacheable {
		defer g.Finalize()
		return g.Run(args...)
	}
	built = true
	e := evalCache.add(key, g)
	defer evalCache.release(e)
	defer exclusive(&e.run)()
	return e.v.Run(args...)
}

// Op is a graph function compiled explicitly with Compile: one compiled graph per input shape,
// built the first time Call sees that shape. Variables the function captures are read then,
// not on later calls (use Eval to read them on every call). Safe for concurrent use.
type Op struct {
	mu     sync.RWMutex // Call holds it for reading, Close for writing
	runMu  sync.Mutex   // see exclusive
	exec   *graph.Exec
	closed bool
}

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
	e, err := graph.NewExec(Backend(), graphFn)
	if err != nil {
		panic(&Error{Func: "d2l.Compile", Arg: "graphFn", Got: oneLine(err.Error()), Want: "a GoMLX graph function"})
	}
	e.SetMaxCache(opExecShapes)
	return &Op{exec: e}
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
	if op == nil || op.exec == nil {
		fail(fn, "op", "an Op made by d2l.Compile", "nil")
	}
	op.mu.RLock()
	defer op.mu.RUnlock()
	if op.closed {
		panic(&Error{Func: fn, Got: "a closed Op", Want: "an Op before Close"})
	}
	ts := toTensors(fn, inputs)
	args := make([]any, len(ts))
	for i, t := range ts {
		args[i] = t
	}
	unlock := exclusive(&op.runMu)
	outs, err := op.exec.Exec(args...)
	unlock()
	if err != nil {
		panic(runError(fn, err))
	}
	return outs
}

// Close frees the compiled graphs (backend executables such as ONNX Runtime sessions). The Op
// must not be used afterwards; Close is idempotent.
func (op *Op) Close() {
	if op == nil {
		return
	}
	op.mu.Lock()
	defer op.mu.Unlock()
	if !op.closed && op.exec != nil {
		op.closed = true
		op.exec.Finalize()
	}
}
