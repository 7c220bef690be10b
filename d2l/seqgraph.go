package d2l

import (
	"fmt"
	"strings"

	"github.com/gomlx/gomlx/core/graph"
	"github.com/gomlx/gomlx/core/tensors"
)

// seqGraphs are the compiled graphs of a Sequential for one structure of its layers: the
// forward pass, the training step and the evaluation. key describes that structure.
type seqGraphs struct {
	key                  string
	forward, train, eval *graph.Exec
}

// close frees the compiled graphs (backend executables).
func (g *seqGraphs) close() {
	for _, e := range []*graph.Exec{g.forward, g.train, g.eval} {
		e.Finalize()
	}
}

// snapshot returns copies of the layers holding only what their graphs depend on (no
// parameter tensors: those are graph inputs), and a key that changes whenever one of those
// copies would build a different graph: layer types, configuration, parameter count and
// shapes, the backend and cnn's settings.
func snapshot(fn string, layers []Layer) ([]Layer, string) {
	specs := make([]Layer, len(layers))
	var b strings.Builder
	b.WriteString(opKey("sequential"))
	for i, l := range layers {
		fmt.Fprintf(&b, "|%d:", i)
		switch l := l.(type) {
		case *Conv2d:
			if l == nil {
				fail(fn, fmt.Sprintf("net.Layers[%d]", i), "a layer", "nil *Conv2d")
			}
			c := *l
			c.Weight, c.Bias, c.hasBias = nil, nil, l.Bias != nil
			specs[i] = &c
			fmt.Fprintf(&b, "conv s=%v p=%v w=%v b=%v", l.Stride, l.Padding, shapeOf(l.Weight), shapeOf(l.Bias))
		case *MaxPool2d:
			if l == nil {
				fail(fn, fmt.Sprintf("net.Layers[%d]", i), "a layer", "nil *MaxPool2d")
			}
			c := *l
			specs[i] = &c
			fmt.Fprintf(&b, "maxpool k=%v s=%v p=%v", l.KernelSize, l.Stride, l.Padding)
		case *AvgPool2d:
			if l == nil {
				fail(fn, fmt.Sprintf("net.Layers[%d]", i), "a layer", "nil *AvgPool2d")
			}
			c := *l
			specs[i] = &c
			fmt.Fprintf(&b, "avgpool k=%v s=%v p=%v", l.KernelSize, l.Stride, l.Padding)
		case *Linear:
			if l == nil {
				fail(fn, fmt.Sprintf("net.Layers[%d]", i), "a layer", "nil *Linear")
			}
			specs[i] = &Linear{InFeatures: l.InFeatures, OutFeatures: l.OutFeatures}
			fmt.Fprintf(&b, "linear w=%v b=%v", shapeOf(l.Weight), shapeOf(l.Bias))
		case *Sigmoid, *ReLU, *Flatten:
			specs[i] = l
			fmt.Fprintf(&b, "%T", l)
		case nil:
			fail(fn, fmt.Sprintf("net.Layers[%d]", i), "a layer", "nil")
		default:
			fail(fn, fmt.Sprintf("net.Layers[%d]", i), "Conv2d, MaxPool2d, AvgPool2d, Sigmoid, ReLU, Flatten or Linear", "%T", l)
		}
	}
	return specs, b.String()
}

// shapeOf describes t's shape for snapshot keys ("nil" for none).
func shapeOf(t *tensors.Tensor) string {
	if t == nil {
		return "nil"
	}
	return t.Shape().String()
}

// graphsLocked returns the compiled graphs for the network's current layers, building new ones
// (and freeing the old) when the layers changed. s.mu must be held.
func (s *Sequential) graphsLocked(fn string) *seqGraphs {
	specs, key := snapshot(fn, s.Layers)
	if s.graphs != nil && s.graphs.key == key {
		return s.graphs
	}
	if s.graphs != nil {
		s.graphs.close()
	}
	np := 0
	for _, l := range specs {
		np += numParams(l)
	}
	build := func(x *graph.Node, params []*graph.Node) *graph.Node {
		for _, l := range specs {
			k := numParams(l)
			x = buildLayer(fn, l, x, params[:k])
			params = params[k:]
		}
		return x
	}
	g := &seqGraphs{key: key}
	// forward: X, params... -> logits.
	g.forward = graph.MustNewExec(Backend(), func(in []*graph.Node) *graph.Node {
		return build(in[0], in[1:])
	})
	// train: params..., X [n, ...], y [n] int32, lr -> updated params..., summed loss, correct.
	// Forward, backward and update are one graph, compiled once per batch shape.
	g.train = graph.MustNewExec(Backend(), func(in []*graph.Node) []*graph.Node {
		params, x, y, lr := in[:np], in[np], in[np+1], in[np+2]
		// StopGradient: no gradient of the images is built (ONNX Runtime would compute it).
		logits := build(graph.StopGradient(x), params)
		perExample := crossEntropyGraph(logits, y)
		loss := graph.ReduceAllMean(perExample)
		grads := graph.Gradient(loss, params...)
		out := make([]*graph.Node, 0, np+2)
		for i, p := range params {
			out = append(out, graph.Sub(p, graph.Mul(graph.ConvertDType(lr, p.DType()), grads[i])))
		}
		return append(out, graph.ReduceAllSum(perExample), correctGraph(logits, y))
	})
	// eval: X, y, params... -> number of correct predictions (float32 scalar).
	g.eval = graph.MustNewExec(Backend(), func(in []*graph.Node) *graph.Node {
		return correctGraph(build(in[0], in[2:]), in[1])
	})
	s.graphs = g
	return g
}

// numParams is the number of parameter tensors of a layer snapshot (see paramRefs).
func numParams(l Layer) int {
	switch l := l.(type) {
	case *Conv2d:
		if l.hasBias {
			return 2
		}
		return 1
	case *Linear:
		return 2
	}
	return 0
}
