package d2l

import (
	"bytes"
	"fmt"
	"math"
	"testing"

	"github.com/gomlx/compute/shapes"
	"github.com/gomlx/gomlx/core/graph"
	"github.com/gomlx/gomlx/core/tensors"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// dense is a fully connected layer written outside d2l's types, the way a reader writes an
// nn.Module: [n, in] -> [n, out], with its own parameter names and shape checks.
type dense struct {
	W *tensors.Tensor // [in, out] (not PyTorch's layout: the layer decides)
	B *tensors.Tensor // [out]
}

func newDense(in, out int) *dense { return &dense{W: Randn(in, out), B: Zeros(out)} }

func (d *dense) Forward(X *tensors.Tensor) *tensors.Tensor { return Apply(d, X) }
func (d *dense) Params() []Param {
	return []Param{{Name: "weight", Ref: &d.W, Xavier: true}, {Name: "bias", Ref: &d.B}}
}
func (d *dense) Check(x []int) error {
	in := d.W.Shape().Dimensions[0]
	if len(x) != 2 || x[1] != in {
		return &Error{Func: "dense", Arg: "X", Got: fmt.Sprintf("shape %v", x), Want: fmt.Sprintf("[n, %d]", in)}
	}
	return nil
}
func (d *dense) Build(x *graph.Node, p []*graph.Node) *graph.Node {
	return graph.Add(graph.Dot(x, p[0]).Product(), graph.InsertAxes(p[1], 0))
}
func (d *dense) String() string {
	return fmt.Sprintf("Dense(in=%d, out=%d)", d.W.Shape().Dimensions[0], d.W.Shape().Dimensions[1])
}

// tanh is a layer without parameters written outside d2l, used as a value.
type tanh struct{}

func (tanh) Forward(X *tensors.Tensor) *tensors.Tensor        { return Apply(tanh{}, X) }
func (tanh) Params() []Param                                  { return nil }
func (tanh) Check([]int) error                                { return nil }
func (tanh) Build(x *graph.Node, _ []*graph.Node) *graph.Node { return graph.Tanh(x) }
func (tanh) String() string                                   { return "Tanh()" }

// TestUserLayerTrainsInTrainCh6: a network mixing the program's own layers (a pointer with
// parameters, a value without) with built-in ones trains in TrainCh6 like LeNet does: its
// weights change, the loss falls, it prints as PyTorch prints a network, and InitXavier
// re-draws the weight its Params mark.
func TestUserLayerTrainsInTrainCh6(t *testing.T) {
	requireFashionMNIST(t)
	Seed(4)
	trainIter, testIter := LoadDataFashionMNIST(64, DataLimit(256))
	d := newDense(28*28, 32)
	net := NewSequential(NewFlatten(), d, tanh{}, NewLinear(32, 10))
	assert.Equal(t, "Sequential(\n  (0): Flatten(start_dim=1, end_dim=-1)\n  (1): Dense(in=784, out=32)\n  (2): Tanh()\n  (3): Linear(in_features=32, out_features=10, bias=True)\n)", Sprint(net))
	ps := net.Parameters()
	require.Len(t, ps, 4)
	assert.Equal(t, []string{"1.weight", "1.bias", "3.weight", "3.bias"}, []string{ps[0].Name, ps[1].Name, ps[2].Name, ps[3].Name})
	assert.Equal(t, 784*32+32+32*10+10, net.NumParams())

	var out, log bytes.Buffer
	defer SetOutput(SetOutput(&out))
	res := TrainCh6(net, trainIter, testIter, 4, 0.5, TryGPU(), TrainOptions{Progress: &log})
	require.Len(t, res.History, 4)
	t.Logf("history: %v", res.History)
	assert.Less(t, res.History[3][0], res.History[0][0], "the loss falls")
	bound := math.Sqrt(6.0 / (784 + 32)) // Xavier's bound for the dense weight
	w := values(d.W)
	maxAbs := 0.0
	for _, v := range w {
		maxAbs = math.Max(maxAbs, math.Abs(float64(v)))
	}
	assert.Less(t, maxAbs, 3*bound, "InitXavier re-drew the weight (Randn's values reach 4)")
	assert.NotEqual(t, values(Zeros(32)), values(d.B), "the bias was trained")
	Y := net.Forward(Rand(2, 1, 28, 28))
	assert.Equal(t, []int{2, 10}, Y.Shape().Dimensions)
	manual := Rand(2, 1, 28, 28)
	want := net.Forward(manual)
	for _, l := range net.Layers {
		manual = l.Forward(manual)
	}
	assert.True(t, AllClose(want, manual, 1e-4), "Forward equals the layers' own Forward one by one")
}

// TestSequentialRunsLayerChecks: a network runs each layer's own checks, so configurations the
// layer's Forward rejects are rejected in a network too, with the layer named.
func TestSequentialRunsLayerChecks(t *testing.T) {
	X := Ones(1, 1, 8, 8)
	pool := NewMaxPool2d(KernelSize(2))
	pool.Padding = [2]int{3, 3}
	conv := NewConv2d(1, 1, KernelSize(3))
	conv.Stride = [2]int{0, -1}
	lin := NewLinear(4, 2)
	lin.Weight = Ones(2, 5)
	for _, tc := range []struct {
		name string
		net  *Sequential
		f    func(net *Sequential)
		want string
	}{
		{"pool padding above half the window", NewSequential(pool), func(n *Sequential) { n.Forward(X) },
			"d2l.Sequential.Forward: argument net.Layers[0] (MaxPool2d).Padding: got [3 3], want at most half the window [2 2]"},
		{"conv stride 0", NewSequential(conv), func(n *Sequential) { n.Forward(X) },
			"d2l.Sequential.Forward: argument net.Layers[0] (Conv2d).Stride: got [0 -1], want strides >= 1"},
		{"weight of the wrong shape", NewSequential(NewFlatten(), lin), func(n *Sequential) { n.Forward(Ones(3, 4)) },
			"d2l.Sequential.Forward: argument net.Layers[1] (Linear).Weight: got shape [2 5], want shape [2 4]"},
		{"training too", NewSequential(conv), func(n *Sequential) { TrainBatch(n, X, tensors.FromValue([]int32{0}), 0.1) },
			"d2l.TrainBatch: argument net.Layers[0] (Conv2d).Stride: got [0 -1]"},
		{"input of the first layer is X", NewSequential(NewConv2d(3, 1, KernelSize(3))), func(n *Sequential) { n.Forward(X) },
			"d2l.Sequential.Forward: argument X: got shape [1 1 8 8] (1 channels), want 3 input channels"},
		{"a layer that cannot build", NewSequential(badBuild{}), func(n *Sequential) { n.Forward(X) },
			"d2l.Sequential.Forward: argument net.Layers[0] (badBuild): got"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := Try(func() { tc.f(tc.net) })
			require.Error(t, err)
			assert.Contains(t, err.Error(), tc.want)
			assert.NotContains(t, err.Error(), "internal error")
		})
	}
	// The layer's own Forward says the same.
	err := Try(func() { pool.Forward(X) })
	require.Error(t, err)
	assert.Contains(t, err.Error(), "d2l.MaxPool2d.Forward: argument Padding: got [3 3]")
}

// badBuild is a layer whose graph cannot be built (it adds tensors of different shapes).
type badBuild struct{}

func (badBuild) Forward(X *tensors.Tensor) *tensors.Tensor { return Apply(badBuild{}, X) }
func (badBuild) Params() []Param                           { return nil }
func (badBuild) Check([]int) error                         { return nil }
func (badBuild) Build(x *graph.Node, _ []*graph.Node) *graph.Node {
	return graph.Add(x, graph.Ones(x.Graph(), shapes.Make(x.DType(), 7)))
}
func (badBuild) String() string { return "BadBuild()" }

// scaleValue is a layer with parameters used as a value: training could not update it.
type scaleValue struct{ W *tensors.Tensor }

func (s scaleValue) Forward(X *tensors.Tensor) *tensors.Tensor { return Apply(s, X) }
func (s scaleValue) Params() []Param                           { return []Param{{Name: "weight", Ref: &s.W}} }
func (s scaleValue) Check([]int) error                         { return nil }
func (s scaleValue) Build(x *graph.Node, p []*graph.Node) *graph.Node {
	return graph.Mul(x, graph.Reshape(p[0]))
}
func (s scaleValue) String() string { return "ScaleValue()" }

// TestUserLayerValueOrPointer: a layer without parameters works as a value, one with parameters
// must be a pointer (a one-line error says so, instead of a panic in reflect).
func TestUserLayerValueOrPointer(t *testing.T) {
	net := NewSequential(tanh{}, &scaleLayer{W: Tensor([]float32{2})})
	assert.Equal(t, []float32{2 * float32(math.Tanh(1))}, values(net.Forward(Ones(1, 1))))
	err := Try(func() { NewSequential(scaleValue{W: Ones(1)}) })
	require.Error(t, err)
	assert.Equal(t, "d2l.NewSequential: argument layers[0]: got a d2l.scaleValue value with 1 parameters, want a pointer (&scaleValue{...}): training must update its parameters in place", err.Error())
	err = Try(func() { NewSequential(tanh{}, nil) })
	require.Error(t, err)
	assert.Contains(t, err.Error(), "d2l.NewSequential: argument layers[1]: got nil")
}

// wrapConv embeds a built-in layer and changes its graph: it must not be mistaken for the
// built-in layer (whose cached graphs it would reuse).
type wrapConv struct {
	*Conv2d
	Scale float64
}

func (w *wrapConv) Build(x *graph.Node, p []*graph.Node) *graph.Node {
	return graph.MulScalar(w.Conv2d.Build(x, p), w.Scale)
}

// TestEmbeddedLayerIsKeyedByItsGraph: a type embedding a built-in layer is keyed by the graph it
// builds, so changing its own fields changes the result.
func TestEmbeddedLayerIsKeyedByItsGraph(t *testing.T) {
	c := NewConv2d(1, 1, KernelSize(1), Bias(false))
	Fill(c.Weight, 1)
	w := &wrapConv{Conv2d: c, Scale: 2}
	net := NewSequential(w)
	X := Ones(1, 1, 2, 2)
	assert.Equal(t, []float32{2, 2, 2, 2}, values(net.Forward(X)))
	w.Scale = 3
	assert.Equal(t, []float32{3, 3, 3, 3}, values(net.Forward(X)))
	assert.Equal(t, []float32{1, 1, 1, 1}, values(NewSequential(c).Forward(X)), "the plain conv keeps its own graph")
}

// TestBuiltinLayersAreLayers: every layer of this package implements Layer with matching
// Forward and Build (a one-layer network gives the layer's eager result).
func TestBuiltinLayersAreLayers(t *testing.T) {
	Seed(5)
	for _, tc := range []struct {
		l Layer
		X *tensors.Tensor
	}{
		{NewConv2d(2, 3, KernelSize(3), Padding(1), Stride(2)), Rand(2, 2, 7, 7)},
		{NewConv2d(2, 3, KernelSize(2), Bias(false)), Rand(2, 2, 5, 5)},
		{NewMaxPool2d(KernelSize(3), Stride(2), Padding(1)), Rand(2, 2, 7, 7)},
		{NewAvgPool2d(KernelSize(2)), Rand(2, 2, 6, 6)},
		{NewSigmoid(), Randn(3, 4)},
		{NewReLU(), Randn(3, 4)},
		{NewFlatten(), Rand(2, 3, 4)},
		{NewLinear(4, 3), Rand(5, 4)},
		{NewScratchConv2D(2, 2), Rand(4, 5)},
	} {
		t.Run(LayerName(tc.l), func(t *testing.T) {
			want := tc.l.Forward(tc.X)
			assert.True(t, AllClose(want, Apply(tc.l, tc.X), 1e-5), "Apply (Build) equals Forward")
			_, keyed := layerSpec(tc.l)
			assert.True(t, keyed, "built-in layers are keyed by their configuration")
		})
	}
}
