package d2l

import (
	"fmt"
	"math"
	"slices"
	"strings"
	"sync"

	"github.com/gomlx/gomlx/core/graph"
	"github.com/gomlx/gomlx/core/tensors"
)

// Sigmoid is nn.Sigmoid: 1 / (1 + exp(-x)), element-wise, any shape.
type Sigmoid struct{}

// NewSigmoid returns a Sigmoid layer (nn.Sigmoid()).
func NewSigmoid() *Sigmoid { return &Sigmoid{} }

// Forward applies the sigmoid element-wise; the shape is unchanged.
func (s *Sigmoid) Forward(X *tensors.Tensor) *tensors.Tensor {
	defer guard("d2l.Sigmoid.Forward")
	checkLayerInput("d2l.Sigmoid.Forward", s, X)
	return exec1("sigmoid", graph.Sigmoid, X)
}

// Params returns nil: Sigmoid has no parameters.
func (s *Sigmoid) Params() []Param { return nil }

// Check accepts every input.
func (s *Sigmoid) Check([]int) error { return nil }

// Build adds the sigmoid to a graph.
func (s *Sigmoid) Build(x *graph.Node, _ []*graph.Node) *graph.Node { return graph.Sigmoid(x) }

// String returns "Sigmoid()".
func (s *Sigmoid) String() string { return "Sigmoid()" }

func (s *Sigmoid) spec() (Layer, string) { return s, "Sigmoid" }

// ReLU is nn.ReLU: max(x, 0), element-wise, any shape.
type ReLU struct{}

// NewReLU returns a ReLU layer (nn.ReLU()).
func NewReLU() *ReLU { return &ReLU{} }

// Forward applies max(x, 0) element-wise; the shape is unchanged.
func (r *ReLU) Forward(X *tensors.Tensor) *tensors.Tensor {
	defer guard("d2l.ReLU.Forward")
	checkLayerInput("d2l.ReLU.Forward", r, X)
	return exec1("relu", reluGraph, X)
}

// Params returns nil: ReLU has no parameters.
func (r *ReLU) Params() []Param { return nil }

// Check accepts every input.
func (r *ReLU) Check([]int) error { return nil }

// Build adds max(x, 0) to a graph.
func (r *ReLU) Build(x *graph.Node, _ []*graph.Node) *graph.Node { return reluGraph(x) }

func (r *ReLU) spec() (Layer, string) { return r, "ReLU" }

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
	checkLayerInput("d2l.Flatten.Forward", f, X)
	return Reshape(X, X.Shape().Dimensions[0], -1)
}

// Params returns nil: Flatten has no parameters.
func (f *Flatten) Params() []Param { return nil }

// Check reports a scalar input (Flatten keeps the first axis).
func (f *Flatten) Check(x []int) error {
	if len(x) == 0 {
		return &Error{Func: "d2l.Flatten", Arg: "X", Got: "a scalar", Want: "rank >= 1 [n, ...]"}
	}
	return nil
}

// Build adds the reshape [n, ...] -> [n, prod(...)] to a graph.
func (f *Flatten) Build(x *graph.Node, _ []*graph.Node) *graph.Node {
	return graph.Reshape(x, x.Shape().Dimensions[0], -1)
}

func (f *Flatten) spec() (Layer, string) { return f, "Flatten" }

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
	checkLayerInput(fn, l, X)
	return exec3("linear", linearGraph, X, l.Weight, l.Bias)
}

// Params returns the weight (re-drawn by InitXavier) and the bias.
func (l *Linear) Params() []Param {
	return []Param{{Name: "weight", Ref: &l.Weight, Xavier: true}, {Name: "bias", Ref: &l.Bias}}
}

// Check reports a Weight that is not [OutFeatures, InFeatures], a Bias that is not
// [OutFeatures], or an input x that is not [n, InFeatures].
func (l *Linear) Check(x []int) error {
	return Try(func() {
		const fn = "d2l.Linear"
		wantW := fmt.Sprintf("shape [%d %d] [OutFeatures, InFeatures]", l.OutFeatures, l.InFeatures)
		if dw := checkFinite(fn, "Weight", l.Weight, wantW, 2); dw[0] != l.OutFeatures || dw[1] != l.InFeatures {
			fail(fn, "Weight", wantW, "shape %v", dw)
		}
		wantB := fmt.Sprintf("shape [%d] [OutFeatures]", l.OutFeatures)
		if db := checkFinite(fn, "Bias", l.Bias, wantB, 1); db[0] != l.OutFeatures {
			fail(fn, "Bias", wantB, "shape %v", db)
		}
		if len(x) != 2 || x[1] != l.InFeatures {
			fail(fn, "X", fmt.Sprintf("shape [n, %d]", l.InFeatures), "shape %v", x)
		}
	})
}

// Build adds x · Weightᵀ + Bias to a graph: x [n, InFeatures].
func (l *Linear) Build(x *graph.Node, params []*graph.Node) *graph.Node {
	return linearGraph(x, params[0], params[1])
}

func (l *Linear) spec() (Layer, string) { return l, "Linear" }

// String describes the layer as PyTorch does: Linear(in_features=400, out_features=120, bias=True).
func (l *Linear) String() string {
	return fmt.Sprintf("Linear(in_features=%d, out_features=%d, bias=True)", l.InFeatures, l.OutFeatures)
}

// linearGraph is x [n, in] · wᵀ [in, out] + b [out].
func linearGraph(x, w, b *graph.Node) *graph.Node {
	y := graph.DotGeneral(x, []int{1}, nil, w, []int{1}, nil)
	return graph.Add(y, graph.InsertAxes(b, 0))
}

// Sequential is nn.Sequential: layers applied one after the other. Forward runs the whole
// network as one compiled GoMLX graph (compiled once per input shape); TrainCh6 trains it with
// one compiled graph per step (forward, backward and SGD update). The graphs follow the layers:
// replacing a layer, adding one or changing a layer's configuration is seen by the next
// Forward, TrainBatch or EvaluateAccuracy, which run every layer's Check first (for a new
// configuration or input shape). Any Layer may be part of a network, the program's own too.
//
// Concurrency: Forward, TrainBatch and EvaluateAccuracy may be called from several goroutines
// on the same network (they take turns). Changing Layers, or a layer's fields, while one of
// them runs is a data race: do it between calls.
type Sequential struct {
	// Layers in order; for _, layer := range net.Layers { X = layer.Forward(X) } runs them one by one.
	Layers []Layer

	// mu serialises Forward, TrainBatch, EvaluateAccuracy and InitXavier on this network: one
	// of them at a time reads or replaces the parameters.
	mu sync.Mutex
}

// NewSequential returns the network made of layers (nn.Sequential(*layers)).
func NewSequential(layers ...Layer) *Sequential {
	for i, l := range layers {
		if isNilLayer(l) {
			fail("d2l.NewSequential", fmt.Sprintf("layers[%d]", i), "a layer", "nil")
		}
		layerParams("d2l.NewSequential", fmt.Sprintf("layers[%d]", i), l)
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
	const fn = "d2l.Sequential.Parameters"
	if s == nil {
		fail(fn, "net", "a network (e.g. d2l.LeNet())", "nil")
	}
	var ps []Parameter
	for i, l := range s.Layers {
		if isNilLayer(l) {
			fail(fn, fmt.Sprintf("net.Layers[%d]", i), "a layer", "nil")
		}
		for _, p := range layerParams(fn, layerArg(i, l), l) {
			ps = append(ps, Parameter{Name: fmt.Sprintf("%d.%s", i, p.Name), Value: *p.Ref})
		}
	}
	return ps
}

// NumParams returns the number of learnable scalars (61,706 for LeNet).
func (s *Sequential) NumParams() int {
	n := 0
	for _, p := range s.Parameters() {
		if p.Value != nil {
			n += p.Value.Shape().Size()
		}
	}
	return n
}

// paramRefs returns where each parameter of the network lives, in Parameters order, after
// checking the layers as Parameters does. s.mu must be held.
func (s *Sequential) paramRefs(fn string) []**tensors.Tensor {
	var refs []**tensors.Tensor
	for i, l := range s.Layers {
		if isNilLayer(l) {
			fail(fn, fmt.Sprintf("net.Layers[%d]", i), "a layer", "nil")
		}
		for _, p := range layerParams(fn, layerArg(i, l), l) {
			refs = append(refs, p.Ref)
		}
	}
	return refs
}

// paramNames returns the names of the network's parameters, as Parameters names them.
func (s *Sequential) paramNames() []string {
	var names []string
	for i, l := range s.Layers {
		for _, p := range l.Params() {
			names = append(names, fmt.Sprintf("%d.%s", i, p.Name))
		}
	}
	return names
}

// layerArg names layer i of a network in errors: "net.Layers[3] (Linear)".
func layerArg(i int, l Layer) string {
	return fmt.Sprintf("net.Layers[%d] (%s)", i, LayerName(l))
}

// netParts are a network's layers and parameters as one call sees them.
type netParts struct {
	layers []Layer
	refs   []**tensors.Tensor // where each parameter lives, in order
	params []*tensors.Tensor  // their values, checked (float32, finite)
	counts []int              // parameters per layer
	// spec is the key of the network's graphs when every layer is one of this package's, "" if
	// the network holds another layer (its graphs are then keyed structurally).
	spec string
}

// parts checks the network's layers and parameter tensors (non-nil, float32, finite, named as
// net.Parameters() names them) and returns them. s.mu must be held.
func (s *Sequential) parts(fn string) *netParts {
	n := &netParts{layers: slices.Clone(s.Layers)}
	var spec strings.Builder
	keyed := true
	for i, l := range n.layers {
		if isNilLayer(l) {
			fail(fn, fmt.Sprintf("net.Layers[%d]", i), "a layer", "nil")
		}
		ps := layerParams(fn, layerArg(i, l), l)
		ts := paramTensors(fn, l, ps, func(p Param) string { return fmt.Sprintf("parameter %d.%s", i, p.Name) })
		for _, p := range ps {
			n.refs = append(n.refs, p.Ref)
		}
		n.params = append(n.params, ts...)
		n.counts = append(n.counts, len(ps))
		if k, ok := layerSpec(l); ok {
			fmt.Fprintf(&spec, "|%d:%s", i, k)
		} else {
			keyed = false
		}
	}
	if keyed {
		n.spec = spec.String()
	}
	return n
}

// build adds the network to a graph: x its input, params its parameters in order. Each layer's
// Check runs first, with the shape it receives; errors name the layer (and X for the first).
func (n *netParts) build(fn string, x *graph.Node, params []*graph.Node) *graph.Node {
	in := x.Shape().Dimensions
	for i, l := range n.layers {
		if err := l.Check(x.Shape().Dimensions); err != nil {
			panic(n.layerError(fn, i, l, err, in))
		}
		k := n.counts[i]
		x = buildLayer(fn, layerArg(i, l), l, x, params[:k])
		params = params[k:]
	}
	return x
}

// layerError renames the error of layer i's Check for the network: the first layer's input is
// X; a later layer's input is what the layers before it made of X.
func (n *netParts) layerError(fn string, i int, l Layer, err error, xDims []int) *Error {
	e, ok := err.(*Error)
	if !ok {
		e = &Error{Arg: "X", Got: oneLine(err.Error()), Want: "an input the layer accepts"}
	}
	out := *e
	out.Func = fn
	switch {
	case e.Arg == "X" && i == 0:
		out.Arg = "X"
	case e.Arg == "X":
		out.Arg = layerArg(i, l) + " input"
		out.Got = fmt.Sprintf("%s (what net.Layers[0:%d] make of X %v)", e.Got, i, xDims)
	default:
		out.Arg = joinArg(layerArg(i, l), e.Arg)
	}
	return &out
}

// program returns the cache entry (reference taken) of the network's graph of one kind for the
// inputs ins (X, then kind's extra inputs, then the parameters), and its lifted constants.
func (n *netParts) program(fn, kind string, ins []*tensors.Tensor, build buildFunc, finish ...func(*program)) (*cacheEntry, []lifted) {
	if n.spec != "" {
		key := opKey("sequential/"+kind+n.spec) + shapesKey(ins)
		return compileKeyed(fn, key, shapesOf(ins), build, finish...), nil
	}
	e, consts, _ := compileStructural(fn, shapesOf(ins), true, build, finish...)
	return e, consts
}

// Forward runs the network on X (for LeNet X [n, 1, 28, 28] -> logits [n, 10]) as one graph,
// compiled once per input shape for the layers the network holds now: after a layer is replaced
// or reconfigured (net.Layers[1] = d2l.NewReLU(), conv.Padding = ...), the next call checks and
// builds the new network's graph.
func (s *Sequential) Forward(X *tensors.Tensor) *tensors.Tensor {
	const fn = "d2l.Sequential.Forward"
	defer guard(fn)
	if s == nil {
		fail(fn, "net", "a network (e.g. d2l.LeNet())", "nil")
	}
	dx := checkFinite(fn, "X", X, "a float32 batch [n, ...]")
	if len(dx) == 0 {
		fail(fn, "X", "a float32 batch [n, ...]", "a scalar")
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	n := s.parts(fn)
	ins := append([]*tensors.Tensor{X}, n.params...)
	e, consts := n.program(fn, "forward", ins, func(g *graph.Graph, p []*graph.Node) []*graph.Node {
		return []*graph.Node{n.build(fn, p[0], p[1:])}
	})
	defer programs.release(e)
	return run(e.p, ins, consts)[0]
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

// InitXavier re-initialises every parameter marked Xavier (the weights of Conv2d and Linear
// layers) with Xavier-uniform values (nn.init.xavier_uniform_): uniform in [-a, a) with
// a = sqrt(6 / (fanIn + fanOut)), fanIn = c_in*kh*kw (or in_features), fanOut = c_out*kh*kw (or
// out_features), computed from the tensor's shape as PyTorch does. Biases keep their values. It
// draws from the generator that Seed resets.
func InitXavier(net *Sequential) {
	const fn = "d2l.InitXavier"
	if net == nil {
		fail(fn, "net", "a network (e.g. d2l.LeNet())", "nil")
	}
	net.mu.Lock() // not while the network trains or runs
	defer net.mu.Unlock()
	for i, l := range net.Layers {
		if isNilLayer(l) {
			fail(fn, fmt.Sprintf("net.Layers[%d]", i), "a layer", "nil")
		}
		for _, p := range layerParams(fn, layerArg(i, l), l) {
			if !p.Xavier {
				continue
			}
			w := *p.Ref
			arg := fmt.Sprintf("parameter %d.%s", i, p.Name)
			if w == nil {
				fail(fn, arg, "a weight of rank >= 2 ([out, in] or [c_out, c_in, kh, kw])", "nil")
			}
			if w.Rank() < 2 {
				fail(fn, arg, "a weight of rank >= 2 ([out, in] or [c_out, c_in, kh, kw])", "%s", shapeDesc(w))
			}
			d := dims(w)
			rf := size(d[2:])
			fanIn, fanOut := d[1]*rf, d[0]*rf
			*p.Ref = uniform(math.Sqrt(6/float64(fanIn+fanOut)), d...)
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
