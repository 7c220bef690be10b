package d2l

import (
	"fmt"
	"reflect"
	"runtime"

	"github.com/gomlx/gomlx/core/graph"
	"github.com/gomlx/gomlx/core/tensors"
)

// Layer is one layer of a network, as nn.Module is in PyTorch: the layers of this package
// (Conv2d, MaxPool2d, AvgPool2d, Sigmoid, ReLU, Flatten, Linear, ScratchConv2D) implement it,
// and so can a program's own layers. Sequential, TrainCh6, InitXavier, Print and
// PrintLayerShapes use nothing else, so a layer written outside d2l works wherever a built-in
// one does. A layer with parameters must be a pointer (training replaces its tensors); one
// without may be a value:
//
//	// Scale multiplies its input by one learnable scalar: [n, ...] -> [n, ...].
//	type Scale struct{ W *tensors.Tensor } // W is [1]
//
//	func (s *Scale) Forward(X *tensors.Tensor) *tensors.Tensor { return d2l.Apply(s, X) }
//	func (s *Scale) Params() []d2l.Param                       { return []d2l.Param{{Name: "weight", Ref: &s.W}} }
//	func (s *Scale) Check(x []int) error                       { return nil }
//	func (s *Scale) Build(x *graph.Node, p []*graph.Node) *graph.Node {
//		return graph.Mul(x, graph.Reshape(p[0])) // p[0] is W
//	}
//	func (s *Scale) String() string { return "Scale()" }
type Layer interface {
	// Forward runs the layer eagerly on X and returns its output (layer(X) in PyTorch). A layer
	// written outside d2l can implement it as d2l.Apply(layer, X).
	Forward(X *tensors.Tensor) *tensors.Tensor
	// Params returns the layer's learnable tensors in PyTorch's order (weight, then bias), with
	// where the layer keeps them; nil for a layer without parameters.
	Params() []Param
	// Check reports, as a *Error (Arg naming the field or "X"), why the layer cannot run on an
	// input of dimensions x (batch axis first, as Build receives it) with its current
	// configuration and parameter shapes; nil if it can. Sequential calls it before Build.
	Check(x []int) error
	// Build adds the layer to a GoMLX graph: x is its input, params its parameters as graph
	// nodes, in Params order. It returns the output.
	Build(x *graph.Node, params []*graph.Node) *graph.Node
	// String describes the layer as PyTorch prints it, e.g.
	// "Conv2d(1, 6, kernel_size=(5, 5), stride=(1, 1), padding=(2, 2))".
	String() string
}

// Param is one learnable tensor of a layer.
type Param struct {
	// Name is PyTorch's name for it within the layer: "weight" or "bias".
	Name string
	// Ref points to the layer's field that holds the tensor; training stores the updated tensor
	// there (tensors read from it before a step keep their values).
	Ref **tensors.Tensor
	// Xavier marks a weight that InitXavier (and TrainCh6) re-draw as nn.init.xavier_uniform_
	// does, with fan-in and fan-out from its shape ([out, in] or [c_out, c_in, kh, kw]); the book
	// initialises the weights of Conv2d and Linear layers so, and leaves biases alone.
	Xavier bool
}

// keyedLayer is implemented by the layers of this package: spec describes everything their
// graph depends on besides the input and parameter shapes, so that their compiled graphs can be
// reused without building them again. self must be the layer itself: a program's type that
// embeds a built-in layer gets its spec too, but not as itself, and is keyed structurally.
type keyedLayer interface {
	spec() (self Layer, key string)
}

// layerSpec returns the key of l's graph if l is one of this package's layers.
func layerSpec(l Layer) (string, bool) {
	k, ok := l.(keyedLayer)
	if !ok {
		return "", false
	}
	self, key := k.spec()
	if self != l {
		return "", false
	}
	return key, true
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

// isNilLayer reports whether l is nil or a nil pointer.
func isNilLayer(l Layer) bool {
	if l == nil {
		return true
	}
	v := reflect.ValueOf(l)
	switch v.Kind() {
	case reflect.Pointer, reflect.Map, reflect.Slice, reflect.Func, reflect.Interface, reflect.Chan:
		return v.IsNil()
	}
	return false
}

// layerParams returns l's parameters, checking that training can write them back: a layer
// with parameters must be a pointer, and every Ref must be set. arg names the layer in errors.
func layerParams(fn, arg string, l Layer) []Param {
	ps := l.Params()
	if len(ps) > 0 && reflect.TypeOf(l).Kind() != reflect.Pointer {
		fail(fn, arg, fmt.Sprintf("a pointer (&%s{...}): training must update its parameters in place", LayerName(l)),
			"a %T value with %d parameters", l, len(ps))
	}
	for i, p := range ps {
		if p.Ref == nil {
			fail(fn, arg, "Params with a Ref to each tensor", "Params()[%d] (%q) without Ref", i, p.Name)
		}
	}
	return ps
}

// paramTensors checks l's parameter tensors (float32, finite) and returns them in order;
// name(p) names parameter p in errors.
func paramTensors(fn string, l Layer, ps []Param, name func(p Param) string) []*tensors.Tensor {
	ts := make([]*tensors.Tensor, len(ps))
	for i, p := range ps {
		ts[i] = *p.Ref
		checkFinite(fn, name(p), ts[i], "a float32 tensor")
	}
	return ts
}

// joinArg names field of arg ("net.Layers[0] (Conv2d)" + "weight"); arg may be empty.
func joinArg(arg, field string) string {
	if arg == "" {
		return field
	}
	return arg + "." + field
}

// checkLayer runs l.Check for an input of dimensions x and panics with its error, renamed for
// fn (the function the user called) and, inside a network, with the layer named by arg.
func checkLayer(fn, arg string, l Layer, x []int) {
	err := l.Check(x)
	if err == nil {
		return
	}
	e, ok := err.(*Error)
	if !ok {
		e = &Error{Got: oneLine(err.Error()), Want: fmt.Sprintf("a layer that accepts input %v", x)}
	}
	out := *e
	out.Func = fn
	if arg != "" {
		out.Arg = joinArg(arg, e.Arg)
	}
	panic(&out)
}

// checkLayerInput validates an eager call of a layer: X (float32, finite), the layer's Check
// (the layers of this package check their parameters there, by field name), then its
// parameter tensors. It returns the parameters.
func checkLayerInput(fn string, l Layer, X *tensors.Tensor) []*tensors.Tensor {
	d := checkFinite(fn, "X", X, "a float32 tensor")
	ps := layerParams(fn, "layer", l)
	checkLayer(fn, "", l, d)
	return paramTensors(fn, l, ps, func(p Param) string { return p.Name })
}

// Apply runs layer on X as one compiled graph (its Build), after the layer's Check: the
// eager Forward of a layer written outside d2l is
//
//	func (l *MyLayer) Forward(X *tensors.Tensor) *tensors.Tensor { return d2l.Apply(l, X) }
//
// The graph is built on every call (so it follows the layer's fields as they are now) and
// compiled only when it differs from every graph compiled before (see Eval).
func Apply(layer Layer, X *tensors.Tensor) *tensors.Tensor {
	const fn = "d2l.Apply"
	defer guard(fn)
	if isNilLayer(layer) {
		fail(fn, "layer", "a layer", "nil")
	}
	params := checkLayerInput(fn, layer, X)
	ins := append([]*tensors.Tensor{X}, params...)
	build := func(g *graph.Graph, p []*graph.Node) []*graph.Node {
		return []*graph.Node{buildLayer(fn, "layer", layer, p[0], p[1:])}
	}
	var e *cacheEntry
	var consts []lifted
	if key, ok := layerSpec(layer); ok {
		k := opKey("layer|"+key) + shapesKey(ins)
		e = compileKeyed(fn, k, shapesOf(ins), build)
	} else {
		e, consts, _ = compileStructural(fn, shapesOf(ins), true, build)
	}
	defer programs.release(e)
	return run(e.p, ins, consts)[0]
}

// buildLayer adds l to a graph, turning a panic of its Build (a GoMLX error) into a *Error that
// names the layer (arg) and its input shape.
func buildLayer(fn, arg string, l Layer, x *graph.Node, params []*graph.Node) (y *graph.Node) {
	defer func() {
		if r := recover(); r != nil {
			if e, ok := r.(*Error); ok {
				panic(e)
			}
			if _, ok := r.(runtime.Error); ok {
				panic(r) // a bug in the layer's Build: keep its stack
			}
			e := runError(fn, r)
			panic(&Error{Func: fn, Arg: arg, Got: fmt.Sprintf("%s building %s for input %v", e.Got, l, x.Shape().Dimensions),
				Want: "a layer whose graph builds"})
		}
	}()
	return l.Build(x, params)
}
