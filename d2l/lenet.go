package d2l

import (
	"fmt"
	"math"
	"reflect"
	"strings"
	"sync"

	"github.com/d2l-go/d2l-go/cnn"
	"github.com/gomlx/compute/dtypes"
	"github.com/gomlx/gomlx/core/graph"
	"github.com/gomlx/gomlx/core/tensors"
)

// Layer is one layer of a Sequential network: Forward maps a batch eagerly. The layers of this
// package (Conv2d, MaxPool2d, AvgPool2d, Sigmoid, ReLU, Flatten, Linear) can also be built into
// one GoMLX graph, which is how Sequential runs and trains them.
type Layer interface {
	Forward(X *tensors.Tensor) *tensors.Tensor
}

// Sigmoid is nn.Sigmoid: 1 / (1 + exp(-x)), element-wise, any shape.
type Sigmoid struct{}

// NewSigmoid returns a Sigmoid layer (nn.Sigmoid()).
func NewSigmoid() *Sigmoid { return &Sigmoid{} }

// Forward applies the sigmoid element-wise; the shape is unchanged.
func (s *Sigmoid) Forward(X *tensors.Tensor) *tensors.Tensor {
	defer guard("d2l.Sigmoid.Forward")
	checkTensor("d2l.Sigmoid.Forward", "X", X, "a float32 tensor")
	return exec1("sigmoid", graph.Sigmoid, X)
}

// String returns "Sigmoid()".
func (s *Sigmoid) String() string { return "Sigmoid()" }

// ReLU is nn.ReLU: max(x, 0), element-wise, any shape.
type ReLU struct{}

// NewReLU returns a ReLU layer (nn.ReLU()).
func NewReLU() *ReLU { return &ReLU{} }

// Forward applies max(x, 0) element-wise; the shape is unchanged.
func (r *ReLU) Forward(X *tensors.Tensor) *tensors.Tensor {
	defer guard("d2l.ReLU.Forward")
	checkTensor("d2l.ReLU.Forward", "X", X, "a float32 tensor")
	return exec1("relu", reluGraph, X)
}

// reluGraph is max(x, 0).
func reluGraph(x *graph.Node) *graph.Node {
	return graph.Max(x, graph.ScalarZero(x.Graph(), x.DType()))
}

// String returns "ReLU()".
func (r *ReLU) String() string { return "ReLU()" }

// Flatten is nn.Flatten(): [n, d1, d2, ...] -> [n, d1*d2*...].
type Flatten struct{}

// NewFlatten returns a Flatten layer (nn.Flatten()).
func NewFlatten() *Flatten { return &Flatten{} }

// Forward flattens all axes but the first: [n, ...] -> [n, prod(...)].
func (f *Flatten) Forward(X *tensors.Tensor) *tensors.Tensor {
	d := checkTensor("d2l.Flatten.Forward", "X", X, "rank >= 1 [n, ...]")
	if len(d) == 0 {
		fail("d2l.Flatten.Forward", "X", "rank >= 1 [n, ...]", "a scalar")
	}
	return Reshape(X, d[0], -1)
}

// String returns "Flatten(start_dim=1, end_dim=-1)" as PyTorch prints it.
func (f *Flatten) String() string { return "Flatten(start_dim=1, end_dim=-1)" }

// Linear is nn.Linear: y = x Weightᵀ + Bias, [n, InFeatures] -> [n, OutFeatures].
type Linear struct {
	InFeatures, OutFeatures int
	// Weight is [OutFeatures, InFeatures] (PyTorch's layout), initialised uniformly in
	// [-1/sqrt(InFeatures), 1/sqrt(InFeatures)).
	Weight *tensors.Tensor
	// Bias is [OutFeatures], initialised like Weight.
	Bias *tensors.Tensor
}

// NewLinear creates a Linear layer (nn.Linear(inFeatures, outFeatures)) with weights drawn
// from the generator that Seed resets.
func NewLinear(inFeatures, outFeatures int) *Linear {
	const fn = "d2l.NewLinear"
	if inFeatures < 1 {
		fail(fn, "inFeatures", "inFeatures >= 1", "%d", inFeatures)
	}
	if outFeatures < 1 {
		fail(fn, "outFeatures", "outFeatures >= 1", "%d", outFeatures)
	}
	bound := 1 / math.Sqrt(float64(inFeatures))
	return &Linear{InFeatures: inFeatures, OutFeatures: outFeatures,
		Weight: uniform(bound, outFeatures, inFeatures), Bias: uniform(bound, outFeatures)}
}

// Forward computes X Weightᵀ + Bias: X [n, InFeatures] -> [n, OutFeatures].
func (l *Linear) Forward(X *tensors.Tensor) *tensors.Tensor {
	const fn = "d2l.Linear.Forward"
	defer guard(fn)
	if l == nil {
		fail(fn, "layer", "a layer made by d2l.NewLinear", "nil *Linear")
	}
	d := checkTensor(fn, "X", X, fmt.Sprintf("rank 2 [n, %d]", l.InFeatures), 2)
	if d[1] != l.InFeatures {
		fail(fn, "X", fmt.Sprintf("shape [n, %d]", l.InFeatures), "shape %v", d)
	}
	wantW := fmt.Sprintf("shape [%d %d] [OutFeatures, InFeatures]", l.OutFeatures, l.InFeatures)
	if dw := checkTensor(fn, "Weight", l.Weight, wantW, 2); dw[0] != l.OutFeatures || dw[1] != l.InFeatures {
		fail(fn, "Weight", wantW, "shape %v", dw)
	}
	wantB := fmt.Sprintf("shape [%d] [OutFeatures]", l.OutFeatures)
	if db := checkTensor(fn, "Bias", l.Bias, wantB, 1); db[0] != l.OutFeatures {
		fail(fn, "Bias", wantB, "shape %v", db)
	}
	return exec3("linear", linearGraph, X, l.Weight, l.Bias)
}

// String describes the layer as PyTorch does: Linear(in_features=400, out_features=120, bias=True).
func (l *Linear) String() string {
	return fmt.Sprintf("Linear(in_features=%d, out_features=%d, bias=True)", l.InFeatures, l.OutFeatures)
}

// linearGraph is x [n, in] · wᵀ [in, out] + b [out].
func linearGraph(x, w, b *graph.Node) *graph.Node {
	y := graph.DotGeneral(x, []int{1}, nil, w, []int{1}, nil)
	return graph.Add(y, graph.InsertAxes(b, 0))
}

// LayerName returns the class name of a layer as the book prints it: "Conv2d", "Sigmoid",
// "AvgPool2d", "Flatten", "Linear", ...
func LayerName(layer Layer) string {
	t := reflect.TypeOf(layer)
	for t != nil && t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if t == nil {
		return "<nil>"
	}
	return t.Name()
}

// paramRefs returns pointers to the learnable tensors of a layer, in PyTorch's order
// (weight, then bias), with their names.
func paramRefs(layer Layer) (refs []**tensors.Tensor, names []string) {
	switch l := layer.(type) {
	case *Conv2d:
		refs, names = append(refs, &l.Weight), append(names, "weight")
		if l.Bias != nil {
			refs, names = append(refs, &l.Bias), append(names, "bias")
		}
	case *Linear:
		refs, names = [](**tensors.Tensor){&l.Weight, &l.Bias}, []string{"weight", "bias"}
	}
	return refs, names
}

// buildLayer adds layer to a graph: x is its input, params its parameters (paramRefs order).
func buildLayer(fn string, layer Layer, x *graph.Node, params []*graph.Node) *graph.Node {
	switch l := layer.(type) {
	case *Conv2d:
		cfg := cnn.ConvConfig{Stride: l.Stride, Padding: l.Padding}
		if len(params) == 2 {
			return cnn.Conv2DBias(x, params[0], params[1], cfg)
		}
		return cnn.Conv2D(x, params[0], cfg)
	case *AvgPool2d:
		return cnn.AvgPool2D(x, cnn.PoolConfig{Kernel: l.KernelSize, Stride: l.Stride, Padding: l.Padding})
	case *MaxPool2d:
		return cnn.MaxPool2D(x, cnn.PoolConfig{Kernel: l.KernelSize, Stride: l.Stride, Padding: l.Padding})
	case *Sigmoid:
		return graph.Sigmoid(x)
	case *ReLU:
		return reluGraph(x)
	case *Flatten:
		return graph.Reshape(x, x.Shape().Dimensions[0], -1)
	case *Linear:
		return linearGraph(x, params[0], params[1])
	}
	fail(fn, "layer", "Conv2d, MaxPool2d, AvgPool2d, Sigmoid, ReLU, Flatten or Linear", "%T", layer)
	return nil
}

// Sequential is nn.Sequential: layers applied one after the other. Forward runs the whole
// network as one compiled GoMLX graph (compiled once per input shape); TrainCh6 trains it with
// one compiled graph per step (forward, backward and SGD update). The graphs follow the layers:
// replacing a layer, adding one or changing a layer's configuration is seen by the next
// Forward, TrainBatch or EvaluateAccuracy.
//
// Concurrency: Forward, TrainBatch and EvaluateAccuracy may be called from several goroutines
// on the same network (they take turns). Changing Layers, or a layer's fields, while one of
// them runs is a data race: do it between calls.
type Sequential struct {
	// Layers in order; for _, layer := range net.Layers { X = layer.Forward(X) } runs them one by one.
	Layers []Layer

	// mu serialises Forward, TrainBatch and EvaluateAccuracy on this network: one of them at a
	// time reads or replaces the parameters and the compiled graphs.
	mu     sync.Mutex
	graphs *seqGraphs // for the layers as they were when last run; see graphsLocked
}

// NewSequential returns the network made of layers (nn.Sequential(*layers)).
func NewSequential(layers ...Layer) *Sequential {
	for i, l := range layers {
		if l == nil || reflect.ValueOf(l).IsNil() {
			fail("d2l.NewSequential", fmt.Sprintf("layers[%d]", i), "a layer", "nil")
		}
	}
	return &Sequential{Layers: layers}
}

// LeNet returns the book's LeNet-5 for 28x28 grey images (6.6), untrained:
//
//	Conv2d(1, 6, 5, padding 2) -> Sigmoid -> AvgPool2d(2, stride 2) ->
//	Conv2d(6, 16, 5) -> Sigmoid -> AvgPool2d(2, stride 2) -> Flatten (400) ->
//	Linear(400, 120) -> Sigmoid -> Linear(120, 84) -> Sigmoid -> Linear(84, 10)
//
// X [n, 1, 28, 28] -> logits [n, 10]; 61,706 parameters. The softmax lives in the loss.
func LeNet() *Sequential {
	return NewSequential(
		NewConv2d(1, 6, KernelSize(5), Padding(2)), NewSigmoid(),
		NewAvgPool2d(KernelSize(2), Stride(2)),
		NewConv2d(6, 16, KernelSize(5)), NewSigmoid(),
		NewAvgPool2d(KernelSize(2), Stride(2)),
		NewFlatten(),
		NewLinear(16*5*5, 120), NewSigmoid(),
		NewLinear(120, 84), NewSigmoid(),
		NewLinear(84, 10),
	)
}

// Parameter is one learnable tensor of a network, named as PyTorch names it ("0.weight").
type Parameter struct {
	Name  string
	Value *tensors.Tensor
}

// Parameters returns the learnable tensors of the network in order (net.parameters()).
func (s *Sequential) Parameters() []Parameter {
	if s == nil {
		fail("d2l.Sequential.Parameters", "net", "a network (e.g. d2l.LeNet())", "nil")
	}
	var ps []Parameter
	for i, l := range s.Layers {
		refs, names := paramRefs(l)
		for k, r := range refs {
			ps = append(ps, Parameter{Name: fmt.Sprintf("%d.%s", i, names[k]), Value: *r})
		}
	}
	return ps
}

// NumParams returns the number of learnable scalars (61,706 for LeNet).
func (s *Sequential) NumParams() int {
	n := 0
	for _, p := range s.Parameters() {
		n += p.Value.Shape().Size()
	}
	return n
}

// refs returns pointers to all parameter tensors, in Parameters order.
func (s *Sequential) refs() []**tensors.Tensor {
	var all []**tensors.Tensor
	for _, l := range s.Layers {
		r, _ := paramRefs(l)
		all = append(all, r...)
	}
	return all
}

// paramValues returns the current parameter tensors, in Parameters order.
func (s *Sequential) paramValues() []*tensors.Tensor {
	refs := s.refs()
	out := make([]*tensors.Tensor, len(refs))
	for i, r := range refs {
		out[i] = *r
	}
	return out
}

// checkParams validates every parameter tensor of the network (non-nil, float32; shapes are
// checked by building the graph) and returns them in Parameters order. Their values are not
// read: on an accelerator that would copy them to the host on every step. s.mu must be held.
func (s *Sequential) checkParams(fn string) []*tensors.Tensor {
	var out []*tensors.Tensor
	for _, p := range s.Parameters() {
		if p.Value == nil {
			fail(fn, "parameter "+p.Name, "a float32 tensor", "nil")
		}
		if p.Value.DType() != dtypes.Float32 {
			fail(fn, "parameter "+p.Name, "dtype float32", "dtype %s", p.Value.DType())
		}
		out = append(out, p.Value)
	}
	return out
}

// Forward runs the network on X (for LeNet X [n, 1, 28, 28] -> logits [n, 10]) as one graph,
// compiled once per input shape for the layers the network holds now: after a layer is replaced
// or reconfigured (net.Layers[1] = d2l.NewReLU(), conv.Padding = ...), the next call builds
// the new network's graph and frees the old one.
func (s *Sequential) Forward(X *tensors.Tensor) *tensors.Tensor {
	const fn = "d2l.Sequential.Forward"
	defer guard(fn)
	if s == nil {
		fail(fn, "net", "a network (e.g. d2l.LeNet())", "nil")
	}
	dx := checkTensor(fn, "X", X, "a float32 batch [n, ...]")
	if len(dx) == 0 {
		fail(fn, "X", "a float32 batch [n, ...]", "a scalar")
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	g := s.graphsLocked(fn)
	args := []any{X}
	for _, p := range s.checkParams(fn) {
		args = append(args, p)
	}
	outs, err := g.forward.Exec(args...)
	if err != nil {
		panic(inputError(fn, X, err))
	}
	return outs[0]
}

// inputError reports a graph that failed to build for the batch X as a bad X.
func inputError(fn string, X *tensors.Tensor, err error) *Error {
	e := runError(fn, err)
	return &Error{Func: fn, Arg: "X", Got: fmt.Sprintf("%s: %s", shapeDesc(X), e.Got),
		Want: "a batch whose shape the network's layers accept"}
}

// String prints the network as PyTorch does:
//
//	Sequential(
//	  (0): Conv2d(1, 6, kernel_size=(5, 5), stride=(1, 1), padding=(2, 2))
//	  ...
//	)
func (s *Sequential) String() string {
	var b strings.Builder
	b.WriteString("Sequential(\n")
	for i, l := range s.Layers {
		fmt.Fprintf(&b, "  (%d): %v\n", i, l)
	}
	b.WriteString(")")
	return b.String()
}

// InitXavier re-initialises the weights of every Conv2d and Linear layer of net with
// Xavier-uniform values (nn.init.xavier_uniform_): uniform in [-a, a) with
// a = sqrt(6 / (fanIn + fanOut)), fanIn = c_in*kh*kw (or in_features), fanOut = c_out*kh*kw (or
// out_features). Biases keep their values. It draws from the generator that Seed resets.
func InitXavier(net *Sequential) {
	if net == nil {
		fail("d2l.InitXavier", "net", "a network (e.g. d2l.LeNet())", "nil")
	}
	net.mu.Lock() // not while the network trains or runs
	defer net.mu.Unlock()
	for i, l := range net.Layers {
		switch l := l.(type) {
		case *Conv2d:
			if l == nil {
				fail("d2l.InitXavier", fmt.Sprintf("net.Layers[%d]", i), "a layer", "nil *Conv2d")
			}
			if l.Weight == nil || l.Weight.Rank() != 4 {
				fail("d2l.InitXavier", fmt.Sprintf("net.Layers[%d].Weight", i), "a rank-4 weight [co, ci, kh, kw]", "%v", l.Weight)
			}
			d := dims(l.Weight)
			rf := d[2] * d[3]
			l.Weight = uniform(math.Sqrt(6/float64(d[1]*rf+d[0]*rf)), d...)
		case *Linear:
			if l == nil {
				fail("d2l.InitXavier", fmt.Sprintf("net.Layers[%d]", i), "a layer", "nil *Linear")
			}
			l.Weight = uniform(math.Sqrt(6/float64(l.InFeatures+l.OutFeatures)), l.OutFeatures, l.InFeatures)
		}
	}
}

// PrintLayerShapes runs X through the layers one by one and prints each layer's output shape
// as the book does (6.6.1):
//
//	Conv2d output shape:	 torch.Size([1, 6, 28, 28])
func PrintLayerShapes(net *Sequential, X *tensors.Tensor) {
	if net == nil {
		fail("d2l.PrintLayerShapes", "net", "a network (e.g. d2l.LeNet())", "nil")
	}
	for _, layer := range net.Layers {
		X = layer.Forward(X)
		Print(LayerName(layer), "output shape: \t", Size(X))
	}
}

// Argmax returns, for logits [n, k], the index of the largest value of each row ([n] ints).
func Argmax(logits *tensors.Tensor) []int {
	d := checkTensor("d2l.Argmax", "logits", logits, "rank 2 [n, k]", 2)
	flat := values(logits)
	out := make([]int, d[0])
	for i := range out {
		row := flat[i*d[1] : (i+1)*d[1]]
		best := 0
		for j, v := range row {
			if v > row[best] {
				best = j
			}
		}
		out[i] = best
	}
	return out
}
