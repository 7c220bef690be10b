package d2l

import (
	"errors"
	"math"
	"strings"
	"testing"

	"github.com/d2l-go/d2l-go/cnn"
	"github.com/gomlx/compute/dtypes"
	"github.com/gomlx/gomlx/core/graph"
	"github.com/gomlx/gomlx/core/tensors"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestEvalSeesCapturedValues is the first reproduction: a graph function that captures a
// variable gives the value the variable has now, not the one it had when first compiled.
func TestEvalSeesCapturedValues(t *testing.T) {
	X := Tensor([]float32{1, 2, 3})
	k := 2.0
	f := func(x *graph.Node) *graph.Node { return graph.MulScalar(x, k) }
	assert.Equal(t, []float32{2, 4, 6}, values(Eval(f, X)))
	k = 3
	assert.Equal(t, []float32{3, 6, 9}, values(Eval(f, X)))

	// A captured tensor too large for GoMLX to keep its value in the graph (>= 32 elements).
	W := Ones(64)
	g := func(x *graph.Node) *graph.Node { return graph.Add(x, graph.ConstTensor(x.Graph(), W)) }
	X64 := Zeros(64)
	assert.Equal(t, float32(1), values(Eval(g, X64))[63])
	W = Full(5, 64)
	assert.Equal(t, float32(5), values(Eval(g, X64))[63])

	// EvalN with a captured learning rate.
	lr := 1.0
	step := func(w *graph.Node) (*graph.Node, *graph.Node) { return w, graph.MulScalar(w, lr) }
	assert.Equal(t, []float32{1, 2, 3}, values(EvalN(step, X)[1]))
	lr = 0.5
	assert.Equal(t, []float32{0.5, 1, 1.5}, values(EvalN(step, X)[1]))
}

// TestSequentialSeesLayerChanges is the second reproduction: replacing a layer (6.6's
// exercises swap Sigmoid for ReLU) changes what Forward computes and what training updates.
func TestSequentialSeesLayerChanges(t *testing.T) {
	Seed(1)
	net := NewSequential(NewLinear(4, 3), NewSigmoid(), NewLinear(3, 2))
	X := Randn(5, 4)
	before := net.Forward(X)
	net.Layers[1] = NewReLU()
	after := net.Forward(X)
	manual := X
	for _, l := range net.Layers {
		manual = l.Forward(manual)
	}
	assert.False(t, AllClose(before, after, 1e-6), "Forward must use the new ReLU")
	assert.True(t, AllClose(manual, after, 1e-5), "Forward equals running the layers one by one")

	// A layer added at the end, and a changed configuration (padding) of a conv layer.
	net.Layers = append(net.Layers, NewSigmoid())
	assert.True(t, AllClose(sigmoidOf(after), net.Forward(X), 1e-5))

	conv := NewConv2d(1, 1, KernelSize(3))
	cnet := NewSequential(conv)
	Xi := Rand(1, 1, 5, 5)
	assert.Equal(t, []int{1, 1, 3, 3}, cnet.Forward(Xi).Shape().Dimensions)
	conv.Padding = [2]int{1, 1}
	assert.Equal(t, []int{1, 1, 5, 5}, cnet.Forward(Xi).Shape().Dimensions)

	// Training updates the layers the network holds now.
	lin := NewLinear(4, 2)
	net2 := NewSequential(NewLinear(4, 2))
	net2.Layers[0] = lin
	w0 := values(lin.Weight)
	y := tensors.FromValue([]int32{0, 1, 0, 1, 0})
	TrainBatch(net2, X, y, 0.5)
	assert.NotEqual(t, w0, values(lin.Weight), "the new layer was trained")
}

// sigmoidOf applies the sigmoid eagerly (a helper of the tests).
func sigmoidOf(X *tensors.Tensor) *tensors.Tensor { return NewSigmoid().Forward(X) }

// TestTrainBatchBadInputKeepsWeights: bad labels or images are reported before any parameter
// buffer is touched, and tensors read from the network stay valid after a step.
func TestTrainBatchBadInputKeepsWeights(t *testing.T) {
	Seed(2)
	net := NewSequential(NewFlatten(), NewLinear(4, 3))
	X := Rand(5, 1, 2, 2)
	yGood := tensors.FromValue([]int32{0, 1, 2, 0, 1})
	w := net.Parameters()[0].Value
	want := values(w)
	for _, tc := range []struct {
		name string
		X, y *tensors.Tensor
		msg  string
	}{
		{"float labels", X, Tensor([]float32{0, 1, 2, 0, 1}), "d2l.TrainBatch: argument y: got dtype Float32, want"},
		{"short labels", X, tensors.FromValue([]int32{0, 1}), "d2l.TrainBatch: argument y: got shape [2]"},
		{"label out of range", X, tensors.FromValue([]int32{0, 1, 7, 0, 1}), "d2l.TrainBatch: argument y: got label 7 at index 2"},
		{"nil X", nil, yGood, "d2l.TrainBatch: argument X: got nil"},
		{"nil y", X, nil, "d2l.TrainBatch: argument y: got nil"},
		{"wrong image size", Rand(5, 1, 3, 3), yGood,
			"d2l.TrainBatch: argument net.Layers[1] (Linear) input: got shape [5 9] (what net.Layers[0:1] make of X [5 1 3 3]), want shape [n, 4]"},
		{"Inf in X", Tensor([][][][]float32{{{{1, 2}, {3, float32(math.Inf(1))}}}, {{{0, 0}, {0, 0}}}, {{{0, 0}, {0, 0}}}, {{{0, 0}, {0, 0}}}, {{{0, 0}, {0, 0}}}}), yGood,
			"d2l.TrainBatch: argument X: got +Inf at index [0 0 1 1], want finite values (no NaN or ±Inf)"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := Try(func() { TrainBatch(net, tc.X, tc.y, 0.1) })
			require.Error(t, err)
			assert.Contains(t, err.Error(), tc.msg)
			assert.NotContains(t, err.Error(), "internal error")
			assert.Equal(t, want, values(net.Parameters()[0].Value), "weights unchanged")
		})
	}
	TrainBatch(net, X, yGood, 0.1)
	assert.Equal(t, want, values(w), "a tensor read before the step is still valid and unchanged")
	var nilNet *Sequential
	err := Try(func() { TrainBatch(nilNet, X, yGood, 0.1) })
	require.Error(t, err)
	assert.Contains(t, err.Error(), "d2l.TrainBatch: argument net: got nil")
	err = Try(func() { EvaluateAccuracy(nilNet, nil) })
	require.Error(t, err)
	assert.Contains(t, err.Error(), "d2l.EvaluateAccuracy: argument net: got nil")
	err = Try(func() { (*Linear)(nil).Forward(X) })
	require.Error(t, err)
	assert.Contains(t, err.Error(), "d2l.Linear.Forward: argument layer: got nil")
}

// TestTryRepanicsForeignPanics: Try returns d2l's errors and lets every other panic through.
func TestTryRepanicsForeignPanics(t *testing.T) {
	boom := errors.New("boom")
	assert.PanicsWithValue(t, boom, func() { _ = Try(func() { panic(boom) }) })
	assert.PanicsWithValue(t, "runtime bug", func() { _ = Try(func() { panic("runtime bug") }) })
	var nilSlice []*graph.Node
	assert.Panics(t, func() {
		_ = Try(func() { Eval(func(x *graph.Node) *graph.Node { return nilSlice[1] }, Ones(1)) })
	}, "a bug in a graph function is not an input error")
	err := Try(func() { Corr2D(nil, nil) })
	var de *Error
	require.ErrorAs(t, err, &de)
	assert.Equal(t, "d2l.Corr2D", de.Func)
}

// TestEvalIntInputs: Eval keeps accepting Go values and non-float tensors as inputs.
func TestEvalIntInputs(t *testing.T) {
	out := Eval(func(x *graph.Node) *graph.Node { return graph.AddScalar(x, 1) }, []int32{1, 2})
	assert.Equal(t, dtypes.Int32, out.DType())
	assert.Equal(t, []int32{2, 3}, out.Value())
}

// TestCompileReadsCapturesOnce documents the explicit handle: captured values are read when
// the graph for an input shape is built; Close frees the compiled graphs.
func TestCompileReadsCapturesOnce(t *testing.T) {
	k := 2.0
	op := Compile(func(x *graph.Node) *graph.Node { return graph.MulScalar(x, k) })
	defer op.Close()
	X := Tensor([]float32{1, 2, 3})
	assert.Equal(t, []float32{2, 4, 6}, values(op.Call(X)))
	k = 3
	assert.Equal(t, []float32{2, 4, 6}, values(op.Call(X)), "compiled once for this shape")
	assert.Equal(t, []float32{3, 6}, values(op.Call(Tensor([]float32{1, 2}))), "a new shape is built now")
	op.Close()
	err := Try(func() { op.Call(X) })
	require.Error(t, err)
	assert.Contains(t, err.Error(), "d2l.Op.Call: got a closed Op")
}

// TestConvImplIsPartOfTheKey: cnn.SetConvImpl takes effect on ops and networks run before it,
// because cnn's settings are part of every cache key.
func TestConvImplIsPartOfTheKey(t *testing.T) {
	conv := NewConv2d(1, 2, KernelSize(3))
	net := NewSequential(conv)
	X := Rand(1, 1, 5, 5)
	want := conv.Forward(X)
	net.Forward(X)
	hasKey := func(subs ...string) bool {
		programs.mu.Lock()
		defer programs.mu.Unlock()
		for k := range programs.m {
			all := true
			for _, sub := range subs {
				all = all && strings.Contains(k, sub)
			}
			if all {
				return true
			}
		}
		return false
	}
	cnn.SetConvImpl(cnn.ConvGather)
	defer cnn.SetConvImpl(cnn.ConvAuto)
	assert.True(t, AllClose(want, conv.Forward(X), 1e-5))
	assert.True(t, hasKey("conv=gather"), "a new graph was compiled for the gather implementation")
	assert.True(t, AllClose(want, net.Forward(X), 1e-5))
	assert.True(t, hasKey("sequential/forward", "conv=gather"), "the network's graph was compiled again too")
}

// TestNilEntryPoints: nil receivers and arguments of the network and data API are reported as
// one-line *Error, not as runtime panics.
func TestNilEntryPoints(t *testing.T) {
	var net *Sequential
	var it *DataIter
	var acc *Accumulator
	for _, tc := range []struct {
		name string
		f    func()
		msg  string
	}{
		{"Forward", func() { net.Forward(Ones(1, 2)) }, "d2l.Sequential.Forward: argument net: got nil"},
		{"Parameters", func() { net.Parameters() }, "d2l.Sequential.Parameters: argument net: got nil"},
		{"InitXavier", func() { InitXavier(net) }, "d2l.InitXavier: argument net: got nil"},
		{"InitXavier nil weight", func() { InitXavier(NewSequential(&Conv2d{})) }, "d2l.InitXavier: argument parameter 0.weight: got nil, want a weight"},
		{"PrintLayerShapes", func() { PrintLayerShapes(net, Ones(1)) }, "d2l.PrintLayerShapes: argument net: got nil"},
		{"Batches", func() { it.Batches() }, "d2l.DataIter.Batches: argument iterator: got nil"},
		{"BatchSize 0", func() { (&DataIter{}).NumBatches() }, "d2l.DataIter.NumBatches: argument BatchSize: got 0, want BatchSize >= 1"},
		{"Accumulator", func() { acc.Add(1) }, "d2l.Accumulator.Add: argument accumulator: got nil"},
		{"Sequential with a nil layer", func() { (&Sequential{Layers: []Layer{nil}}).Forward(Ones(1, 2)) }, "d2l.Sequential.Forward: argument net.Layers[0]: got nil"},
		{"Eval nil graph", func() { Eval[func(*graph.Node) *graph.Node](nil, Ones(1)) }, "d2l.Eval: argument graphFn: got nil"},
		{"Op nil", func() { (*Op)(nil).Call(Ones(1)) }, "d2l.Op.Call: argument op: got nil"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := Try(tc.f)
			require.Error(t, err)
			assert.Contains(t, err.Error(), tc.msg)
		})
	}
}

// TestEvictedGraphsAreFreed: graphs dropped from the cache are finalized (their backend
// executables released) once nobody runs them, and a full cache evicts instead of failing.
func TestEvictedGraphsAreFreed(t *testing.T) {
	saved := programs
	programs = newProgramCache(4, 1<<40)
	defer func() { programs = saved }()
	X := Tensor([]float32{1})
	for i := range 10 {
		k := float64(i)
		assert.Equal(t, []float32{1 + float32(k)}, values(Eval(func(x *graph.Node) *graph.Node { return graph.AddScalar(x, k) }, X)))
	}
	entries, _ := programs.stats()
	assert.Equal(t, 4, entries)
	programs.mu.Lock()
	evicted, freed := programs.evictions, programs.freed
	programs.mu.Unlock()
	assert.Equal(t, int64(6), evicted)
	assert.Equal(t, int64(6), freed, "every evicted executable was finalized")

	// An entry evicted while in use is freed by its last user.
	e := programs.get(programs.lru.Front().Value.(*cacheEntry).key)
	programs.mu.Lock()
	programs.evictLocked(e)
	programs.mu.Unlock()
	programs.mu.Lock()
	assert.Equal(t, int64(6), programs.freed, "not while in use")
	programs.mu.Unlock()
	programs.release(e)
	programs.mu.Lock()
	assert.Equal(t, int64(7), programs.freed)
	programs.mu.Unlock()
}
