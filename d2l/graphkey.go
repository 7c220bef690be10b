package d2l

//go:generate go run ./internal/recgen/cmd/recgen -o recorder_gen.go

import (
	"crypto/sha256"
	"encoding/binary"
	"fmt"
	"math"
	"reflect"
	"sync"
	"sync/atomic"

	"github.com/gomlx/compute"
	"github.com/gomlx/compute/dtypes"
	"github.com/gomlx/compute/shapes"
)

// Structural graph keys.
//
// A GoMLX graph reaches its backend through compute.Function, one method per operation, with
// every parameter of the operation as a typed argument (Sort's axis, If's two branches, a
// convolution's strides, a constant's values, ...). d2l builds its graphs on recBackend, a
// wrapper of the real backend whose functions (recFunc) write each call — the operation, its
// typed arguments, which earlier results it reads, which closure it belongs to — into a byte
// string, then forward the call unchanged. That string is the graph's key: two graphs with the
// same key make the same calls to the backend, so one compiled executable serves both.
//
// recFunc implements compute.Function explicitly, without embedding it: a GoMLX version whose
// backend API gains an operation does not compile until recorder_gen.go is generated again
// (go generate ./d2l), and TestRecorderIsGenerated fails while the committed file differs from
// what the generator writes. Every GoMLX graph node type reaches the backend through one of
// these methods (TestEveryNodeTypeIsRecorded enumerates GoMLX's node types from its source).
//
// Constants: in the main function, a constant of liftMin elements or more is lifted, when the
// graph asks for it, into an extra parameter of the compiled graph (its dtype and shape are part
// of the key, its values are passed at each run), so that Eval of a graph capturing a large
// tensor compiles once however the tensor changes. Smaller constants, and constants inside
// closures, are part of the key by value (by SHA-256 above 256 bytes).

// liftMin is the number of elements from which Eval passes a constant as a parameter.
const liftMin = 32

// recorder collects the key of one graph being built (by one goroutine, as GoMLX builds graphs).
type recorder struct {
	key    []byte
	ids    map[compute.Value]int64
	nvals  int64
	nfuncs int64
	// lift enables lifting main-function constants into parameters (Eval).
	lift bool
	// params counts the main function's parameters created by the graph (not lifted).
	params int
	// lifted holds the values of lifted constants, in the order of their parameters.
	lifted []lifted
	// uncacheable says why the key cannot be trusted ("" if it can).
	uncacheable string
	// compile, when set, is asked at Compile whether an executable for the key exists: if it
	// returns one, the real backend does not compile.
	compile func(r *recorder) (compute.Executable, bool)
	main    *recFunc
}

// lifted is a constant passed as a parameter: its flat values and shape.
type lifted struct {
	flat  any
	shape shapes.Shape
}

func (r *recorder) tag(c byte)     { r.key = append(r.key, c) }
func (r *recorder) int(v int64)    { r.key = binary.AppendVarint(r.key, v) }
func (r *recorder) uint(v uint64)  { r.key = binary.AppendUvarint(r.key, v) }
func (r *recorder) len(n int)      { r.int(int64(n)) }
func (r *recorder) f32(v float32)  { r.uint(uint64(math.Float32bits(v))) }
func (r *recorder) f64(v float64)  { r.uint(math.Float64bits(v)) }
func (r *recorder) str(s string)   { r.len(len(s)); r.key = append(r.key, s...) }
func (r *recorder) bytes(b []byte) { r.len(len(b)); r.key = append(r.key, b...) }

func (r *recorder) bool(v bool) {
	if v {
		r.tag(1)
	} else {
		r.tag(0)
	}
}

// op starts the record of one call of f.
func (r *recorder) op(f *recFunc, name string) {
	r.tag('#')
	r.int(f.id)
	r.str(name)
}

// value writes the id of an operand (a result recorded earlier).
func (r *recorder) value(v compute.Value) {
	if v == nil {
		r.int(-1)
		return
	}
	id, ok := r.lookup(v)
	if !ok {
		r.noCache("an operand the recorder did not see created")
		id = -2
	}
	r.int(id)
}

// lookup finds the id of v; values of a non-comparable type (a backend's choice) make the key
// unusable instead of panicking.
func (r *recorder) lookup(v compute.Value) (id int64, ok bool) {
	defer func() {
		if recover() != nil {
			id, ok = 0, false
		}
	}()
	id, ok = r.ids[v]
	return id, ok
}

// result numbers a value the backend returned.
func (r *recorder) result(v compute.Value) {
	defer func() {
		if recover() != nil {
			r.noCache(fmt.Sprintf("backend values of type %T cannot be told apart", v))
		}
	}()
	r.ids[v] = r.nvals
	r.nvals++
}

func (r *recorder) results(vs []compute.Value) {
	r.len(len(vs))
	for _, v := range vs {
		r.result(v)
	}
}

// fn writes the id of a function argument (a closure or named function of this graph).
func (r *recorder) fn(f compute.Function) {
	if f == nil {
		r.int(-1)
		return
	}
	rf, ok := f.(*recFunc)
	if !ok || rf.r != r {
		r.noCache("a function of another graph")
		r.int(-2)
		return
	}
	r.int(rf.id)
}

// unwrap returns the real backend's function behind f.
func (r *recorder) unwrap(f compute.Function) compute.Function {
	if rf, ok := f.(*recFunc); ok {
		return rf.inner
	}
	return f
}

// shape writes a shape: dtype, dimensions, axis names, tuple elements.
func (r *recorder) shape(s shapes.Shape) {
	r.int(int64(s.DType))
	r.len(len(s.Dimensions))
	for _, d := range s.Dimensions {
		r.int(int64(d))
	}
	r.len(len(s.AxisNames))
	for _, n := range s.AxisNames {
		r.str(n)
	}
	r.len(len(s.TupleShapes))
	for _, t := range s.TupleShapes {
		r.shape(t)
	}
}

func (r *recorder) sharding(s *compute.ShardingSpec) {
	r.bool(s != nil)
	if s == nil {
		return
	}
	r.str(s.Mesh)
	r.len(len(s.Axes))
	for _, a := range s.Axes {
		r.len(len(a))
		for _, n := range a {
			r.str(n)
		}
	}
}

func (r *recorder) noCache(why string) {
	if r.uncacheable == "" {
		r.uncacheable = why
	}
}

// recBackend is the real backend with graph builders that record (see the top of this file).
// Everything but Builder is the real backend's.
type recBackend struct {
	compute.Backend
}

var (
	recBackendsMu sync.Mutex
	recBackends   = map[compute.Backend]*recBackend{}
	// pending maps the name of a graph about to be built to its recorder.
	pending   sync.Map
	graphSeq  atomic.Int64
	backendID sync.Map // compute.Backend -> int64, part of every key
	nextBID   atomic.Int64
)

// recording returns the recording wrapper of b (one per backend, so that code caching per
// backend, such as cnn's probes, sees one backend).
func recording(b compute.Backend) *recBackend {
	recBackendsMu.Lock()
	defer recBackendsMu.Unlock()
	rb, ok := recBackends[b]
	if !ok {
		rb = &recBackend{Backend: b}
		recBackends[b] = rb
	}
	return rb
}

// newRecording returns a fresh graph name and its recorder, for graph.NewGraph on the
// recording backend of b: the backend's key (its identity) starts the key.
func newRecording(b compute.Backend, prefix string, lift bool) (string, *recorder) {
	r := &recorder{ids: map[compute.Value]int64{}, lift: lift}
	id, ok := backendID.Load(b)
	if !ok {
		id, _ = backendID.LoadOrStore(b, nextBID.Add(1))
	}
	r.int(id.(int64))
	r.bool(lift)
	name := fmt.Sprintf("%s#%d", prefix, graphSeq.Add(1))
	pending.Store(name, r)
	return name, r
}

// Builder returns a recording builder: the one prepared by newRecording for name, or a fresh
// one (graphs built on this backend by other code, e.g. cnn's capability probes).
func (b *recBackend) Builder(name string) compute.Builder {
	var r *recorder
	if v, ok := pending.LoadAndDelete(name); ok {
		r = v.(*recorder)
	} else {
		r = &recorder{ids: map[compute.Value]int64{}}
	}
	return &recBuilder{inner: b.Backend.Builder(name), r: r}
}

// recBuilder records the builder-level calls and hands out recording functions.
type recBuilder struct {
	inner compute.Builder
	r     *recorder
}

var _ compute.Builder = (*recBuilder)(nil)

// Name returns the real builder's name.
func (b *recBuilder) Name() string { return b.inner.Name() }

// Main returns the recording main function (the same one every time).
func (b *recBuilder) Main() compute.Function {
	if b.r.main == nil {
		b.r.main = &recFunc{inner: b.inner.Main(), b: b, r: b.r, id: 0}
		b.r.nfuncs = 1
	}
	return b.r.main
}

// NewFunction records and creates a named top-level function.
func (b *recBuilder) NewFunction(name string) (compute.Function, error) {
	b.Main()
	f, err := b.inner.NewFunction(name)
	if err != nil {
		return nil, err
	}
	rf := &recFunc{inner: f, b: b, r: b.r, id: b.r.nfuncs}
	b.r.nfuncs++
	b.r.tag('F')
	b.r.int(rf.id)
	b.r.str(name)
	return rf, nil
}

// OpShape returns the real builder's shape of op.
func (b *recBuilder) OpShape(op compute.Value) (shapes.Shape, error) { return b.inner.OpShape(op) }

// DistributedSPMD records and forwards.
func (b *recBuilder) DistributedSPMD(numDevices int) error {
	b.r.tag('S')
	b.r.int(int64(numDevices))
	return b.inner.DistributedSPMD(numDevices)
}

// DistributedAutoSharding records and forwards.
func (b *recBuilder) DistributedAutoSharding(meshes ...compute.Mesh) error {
	b.r.tag('A')
	b.r.len(len(meshes))
	for _, m := range meshes {
		b.r.str(m.Name)
		b.r.len(len(m.AxesSizes))
		for _, s := range m.AxesSizes {
			b.r.int(int64(s))
		}
		b.r.len(len(m.AxesNames))
		for _, n := range m.AxesNames {
			b.r.str(n)
		}
		b.r.len(len(m.LogicalDeviceAssignment))
		for _, d := range m.LogicalDeviceAssignment {
			b.r.int(int64(d))
		}
	}
	return b.inner.DistributedAutoSharding(meshes...)
}

// DeviceAssignment records and forwards.
func (b *recBuilder) DeviceAssignment(devices ...compute.DeviceNum) error {
	b.r.tag('D')
	b.r.len(len(devices))
	for _, d := range devices {
		b.r.int(int64(d))
	}
	return b.inner.DeviceAssignment(devices...)
}

// Compile completes the key; if the recorder's compile hook has an executable for it, that
// one is returned and the real builder is dropped, else the real builder compiles.
func (b *recBuilder) Compile() (compute.Executable, error) {
	if b.r.compile != nil {
		if exe, ok := b.r.compile(b.r); ok {
			return exe, nil
		}
	}
	return b.inner.Compile()
}

// recFunc is a compute.Function that records every call (see the top of this file). The
// operations are in recorder_gen.go; the methods below create functions and parameters, lift
// constants, or only introspect.
type recFunc struct {
	inner  compute.Function
	b      *recBuilder
	r      *recorder
	parent *recFunc
	id     int64
}

var _ compute.Function = (*recFunc)(nil)

// Name returns the real function's name.
func (f *recFunc) Name() string { return f.inner.Name() }

// Builder returns the recording builder.
func (f *recFunc) Builder() compute.Builder { return f.b }

// Parent returns the recording parent function (nil for top-level functions).
func (f *recFunc) Parent() compute.Function {
	if f.parent == nil {
		return nil
	}
	return f.parent
}

// Closure records and creates a closure of f.
func (f *recFunc) Closure() (compute.Function, error) {
	c, err := f.inner.Closure()
	if err != nil {
		return nil, err
	}
	rf := &recFunc{inner: c, b: f.b, r: f.r, parent: f, id: f.r.nfuncs}
	f.r.nfuncs++
	f.r.op(f, "Closure")
	f.r.int(rf.id)
	return rf, nil
}

// Parameter records and creates a parameter.
func (f *recFunc) Parameter(name string, shape shapes.Shape, sharding *compute.ShardingSpec) (compute.Value, error) {
	f.r.op(f, "Parameter")
	f.r.str(name)
	f.r.shape(shape)
	f.r.sharding(sharding)
	v, err := f.inner.Parameter(name, shape, sharding)
	if err == nil {
		f.r.result(v)
		if f.id == 0 {
			f.r.params++
		}
	}
	return v, err
}

// Constant records a constant by value, or lifts it into a parameter (see liftMin).
func (f *recFunc) Constant(flat any, dims ...int) (compute.Value, error) {
	t := reflect.TypeOf(flat)
	if t == nil || t.Kind() != reflect.Slice {
		f.r.noCache(fmt.Sprintf("a constant of Go type %T", flat))
		return f.inner.Constant(flat, dims...)
	}
	dt := dtypes.FromGoType(t.Elem())
	size := 1
	for _, d := range dims {
		size *= d
	}
	if f.r.lift && f.id == 0 && size >= liftMin && dt != dtypes.InvalidDType && t.Elem().Kind() != reflect.Uint8 &&
		reflect.ValueOf(flat).Len() == size {
		shape := shapes.Make(dt, dims...)
		f.r.op(f, "LiftedConstant")
		f.r.shape(shape)
		v, err := f.inner.Parameter(fmt.Sprintf("d2l_constant_%d", len(f.r.lifted)), shape, nil)
		if err == nil {
			f.r.result(v)
			f.r.lifted = append(f.r.lifted, lifted{flat: flat, shape: shape})
		}
		return v, err
	}
	f.r.op(f, "Constant")
	f.r.int(int64(dt))
	f.r.len(len(dims))
	for _, d := range dims {
		f.r.int(int64(d))
	}
	data := dtypes.UnsafeByteSliceFromAny(flat)
	if len(data) <= 256 {
		f.r.bytes(data)
	} else {
		sum := sha256.Sum256(data)
		f.r.bytes(sum[:])
	}
	v, err := f.inner.Constant(flat, dims...)
	if err == nil {
		f.r.result(v)
	}
	return v, err
}

// Shape returns the real function's shape of v.
func (f *recFunc) Shape(v compute.Value) (shapes.Shape, error) { return f.inner.Shape(v) }

// Return records the outputs and forwards.
func (f *recFunc) Return(outputs []compute.Value, shardings []*compute.ShardingSpec) error {
	f.r.op(f, "Return")
	f.r.len(len(outputs))
	for _, v := range outputs {
		f.r.value(v)
	}
	f.r.len(len(shardings))
	for _, s := range shardings {
		f.r.sharding(s)
	}
	return f.inner.Return(outputs, shardings)
}
