package cnn

// Gradients of the graphs this package builds, attached to those graphs' nodes only: GoMLX's
// global gradient table (graph.VJPRegistration) is left as it is, and no unexported GoMLX field
// is read. Two of GoMLX's gradients are replaced for correctness, one for speed:
//
//   - Convolution: GoMLX's gradient of ConvGeneral with respect to the input is wrong for
//     kernels of even size (it pads the reversed convolution one element short on the left; the
//     1x2 edge kernel of 6.2.4 hits it). The convolutions Conv2D builds get a transposed
//     convolution built from zero-interleaving, zero blocks and an unpadded Convolve, which runs
//     on every backend (Conv2DGradInput, Conv2DGradKernel).
//   - Strided Slice (pooling, im2col): GoMLX builds its gradient with graph.Pad and interior
//     padding, which ONNX Runtime's backend lacks (compute-onnx v0.1.13 has Pad, but not its
//     interior padding); there the slices this package builds get a gradient made of
//     Broadcast/Concatenate/Reshape. Backends whose Pad pads between elements keep GoMLX's
//     gradient.
//   - Matrix product in Conv2DGather (mulCols, gather.go): GoMLX's gradient with respect to the
//     right operand transposes operands of the im2col matrix's size, which the pure-Go backend
//     does element by element; mulCols attaches products in the backend's direct layouts to
//     identities on the product's inputs and leaves GoMLX's own gradient unused in the graph
//     (backends that drop unused nodes, pure Go and XLA, never run it).
//
// How (customGrad): GoMLX offers custom gradients only for an identity node
// (graph.IdentityWithCustomGradient). The op is computed on StopGradient copies of its inputs,
// so GoMLX never differentiates it; each input passes through an identity with a custom
// gradient, and a zero-valued term (Where(false, sum of the inputs, 0)) ties those identities to
// the output so that autodiff reaches them. An identity on the output records the incoming
// gradient v; the inputs' identities return the gradients computed from v. The tie costs one
// reduction per input and one addition on the output; backends that simplify graphs (XLA)
// remove it.

import (
	"sync"

	"github.com/gomlx/compute"
	"github.com/gomlx/compute/dtypes"
	"github.com/gomlx/compute/shapes"
	"github.com/gomlx/gomlx/core/graph"
	"github.com/gomlx/gomlx/core/tensors/images"
)

// Test settings, all part of SettingsKey and guarded by settingsMu. forcePadFreeGrad makes the
// Pad-free Slice gradients be used on every backend (tests check them against GoMLX's own
// gradients on the pure-Go backend, which has Pad). forceSlicedMaxPool makes MaxPool2D build
// strided slices on every backend, also where maxPoolFast would use the backend's own pooling
// (tests compare the two). forceGatherLayout makes Conv2DGather use one layout whatever the
// shapes (tests check both on every shape).
var (
	settingsMu         sync.RWMutex
	forcePadFreeGrad   = false
	forceSlicedMaxPool = false
	forceGatherLayout  = layoutAuto
)

// Layouts of Conv2DGather (forceGatherLayout); layoutPixelRuns is the batch-inner layout read
// one output pixel at a time, as on backends without general Gathers.
const (
	layoutAuto       = "auto"
	layoutRows       = "rows"
	layoutBatchInner = "batchinner"
	layoutPixelRuns  = "pixelruns"
)

// forcedGatherLayout returns forceGatherLayout.
func forcedGatherLayout() string {
	settingsMu.RLock()
	defer settingsMu.RUnlock()
	return forceGatherLayout
}

// setForceGatherLayout sets forceGatherLayout (tests).
func setForceGatherLayout(layout string) {
	settingsMu.Lock()
	forceGatherLayout = layout
	settingsMu.Unlock()
}

// setForceSlicedMaxPool sets forceSlicedMaxPool (tests).
func setForceSlicedMaxPool(on bool) {
	settingsMu.Lock()
	forceSlicedMaxPool = on
	settingsMu.Unlock()
}

// setForcePadFree sets forcePadFreeGrad (tests).
func setForcePadFree(on bool) {
	settingsMu.Lock()
	forcePadFreeGrad = on
	settingsMu.Unlock()
}

// padFreeSlices reports whether the slices built on g need the Pad-free gradient.
func padFreeSlices(g *graph.Graph) bool {
	settingsMu.RLock()
	force := forcePadFreeGrad
	settingsMu.RUnlock()
	return force || !interiorPad(g.Backend())
}

// interiorPads remembers interiorPad's answer per backend (compute.Backend -> bool).
var interiorPads sync.Map

// interiorPad reports whether backend builds graph.Pad with interior padding (what GoMLX's
// gradient of a strided Slice uses). Capabilities only say whether Pad exists, so the answer is
// found once per backend by building a one-node graph with interior padding, which a backend
// that lacks it refuses while the graph is built.
func interiorPad(backend compute.Backend) bool {
	if ok, found := interiorPads.Load(backend); found {
		return ok.(bool)
	}
	ok := backend.Capabilities().Operations[compute.OpTypePad] && builds(backend, func(g *graph.Graph) {
		x := graph.Zeros(g, shapes.Make(dtypes.Float32, 2))
		graph.Pad(x, graph.ScalarZero(g, dtypes.Float32), compute.PadAxis{Interior: 1})
	})
	interiorPads.Store(backend, ok)
	return ok
}

// builds reports whether build runs on a new graph of backend without panicking (the graph is
// built, not compiled, and then finalized).
func builds(backend compute.Backend, build func(g *graph.Graph)) (ok bool) {
	g := graph.NewGraph(backend, "cnn.probe")
	defer g.Finalize()
	defer func() {
		if recover() != nil {
			ok = false
		}
	}()
	build(g)
	return true
}

// hasOp reports whether the backend of g implements op.
func hasOp(g *graph.Graph, op compute.OpType) bool {
	return g.Backend().Capabilities().Operations[op]
}

// customGrad returns forward(inputs) computed so that the gradient reaching inputs[i] is
// grads[i](v), v being the gradient arriving at the result (same shape as the result).
// grads[i] is only called when inputs[i] needs a gradient; inputs marked StopGradient (and nil
// grads) get none. The result has inputs' dtype.
func customGrad(inputs []*graph.Node, forward func(in []*graph.Node) *graph.Node, grads []func(v *graph.Node) *graph.Node) *graph.Node {
	var v *graph.Node // the gradient arriving at the result, set during graph.Gradient
	stopped := make([]*graph.Node, len(inputs))
	var tie *graph.Node
	for i, x := range inputs {
		if x.StopGradient() || grads[i] == nil {
			stopped[i] = x
			continue
		}
		grad := grads[i]
		id := graph.IdentityWithCustomGradient(x, func(_, _ *graph.Node) *graph.Node {
			if v == nil { // cannot happen: the result is processed before its inputs
				return graph.ZerosLike(x)
			}
			return grad(v)
		})
		stopped[i] = graph.StopGradient(id)
		s := graph.ReduceAllSum(id)
		if tie == nil {
			tie = s
		} else {
			tie = graph.Add(tie, s)
		}
	}
	y := forward(stopped)
	if tie == nil {
		return y
	}
	g := y.Graph()
	zero := graph.ScalarZero(g, y.DType())
	tie = graph.Where(graph.Const(g, false), graph.ConvertDType(tie, y.DType()), zero)
	y = graph.Add(y, tie)
	return graph.IdentityWithCustomGradient(y, func(_, vy *graph.Node) *graph.Node {
		v = vy
		return vy
	})
}

// convolve2D is graph.Convolve on NCHW x [n, c_in, h, w] and w [c_out, c_in, kh, kw] with
// strides and paddings [axis][before, after], with this package's gradient.
func convolve2D(x, w *graph.Node, strides [2]int, pads [2][2]int) *graph.Node {
	xDims, wDims := x.Shape().Clone().Dimensions, w.Shape().Clone().Dimensions
	st := []int{strides[0], strides[1]}
	return customGrad([]*graph.Node{x, w}, func(in []*graph.Node) *graph.Node {
		return graph.Convolve(in[0], in[1]).
			ChannelsAxis(images.ChannelsFirst).
			StridePerAxis(strides[0], strides[1]).
			PaddingPerDim([][2]int{pads[0], pads[1]}).
			Done()
	}, []func(v *graph.Node) *graph.Node{
		func(v *graph.Node) *graph.Node { return Conv2DGradInput(v, w, xDims, st, pads) },
		func(v *graph.Node) *graph.Node { return Conv2DGradKernel(v, x, wDims, st, pads) },
	})
}

// slice is graph.Slice for specs made by graph.AxisRange (with Stride), missing trailing axes
// taken whole; where the backend lacks Pad its gradient is padFreeSliceGrad.
func slice(x *graph.Node, specs ...graph.SliceAxisSpec) *graph.Node {
	if !padFreeSlices(x.Graph()) {
		return graph.Slice(x, specs...)
	}
	dims := x.Shape().Dimensions
	starts := make([]int, len(dims))
	strides := make([]int, len(dims))
	for a, d := range dims {
		strides[a] = 1
		if a >= len(specs) || specs[a].Full {
			continue
		}
		sp := specs[a]
		starts[a] = sp.Start
		if starts[a] < 0 {
			starts[a] += d
		}
		if sp.StrideValue > 1 {
			strides[a] = sp.StrideValue
		}
	}
	return customGrad([]*graph.Node{x}, func(in []*graph.Node) *graph.Node {
		return graph.Slice(in[0], specs...)
	}, []func(v *graph.Node) *graph.Node{
		func(v *graph.Node) *graph.Node { return padFreeSliceGrad(x, v, starts, nil, strides) },
	})
}

// sliceAxis is graph.SliceAxis through slice.
func sliceAxis(x *graph.Node, axis int, r graph.SliceAxisSpec) *graph.Node {
	specs := make([]graph.SliceAxisSpec, x.Rank())
	for a := range specs {
		specs[a] = graph.AxisRange()
	}
	specs[axis] = r
	return slice(x, specs...)
}

// Conv2DGradInput is the gradient of y = conv2d(x, w) (stride, padding [axis][before, after])
// with respect to x, given v = dL/dy [n, c_out, oh, ow] and w [c_out, c_in, kh, kw]; xDims is
// x's shape [n, c_in, h, w]. It is a transposed convolution computed in two 1-D steps, which
// ONNX Runtime runs 3-4x faster than one 2-D convolution of the zero-padded v (LeNet's conv2):
//
//  1. along the width, one convolution with kernel height 1 and the kernel rows as output
//     channels: g[n, c_in, a, p, j] = sum over c_out, b, q with q*sw+b = j of
//     w[c_out, c_in, a, b] * v[n, c_out, p, q] (v interleaved with sw-1 zeros, padded kw-1 on both
//     sides by the convolution itself, kernel flipped along the width);
//  2. along the height, the kh shifted rows are summed: row a moves down by a (p*sh+a) through
//     zero padding, a reshape that skews the rows and one ReduceSum.
//
// The result, on the padded input's coordinates, is cropped (or extended with zeros where no
// window reached) to [n, c_in, h, w]. Only Broadcast, Concatenate, Reshape, Slice, Reverse,
// Transpose, ReduceSum and ConvGeneral are used, so it runs on every backend.
func Conv2DGradInput(v, w *graph.Node, xDims []int, strides []int, pads [2][2]int) *graph.Node {
	kd, vDims := w.Shape().Dimensions, v.Shape().Dimensions
	co, ci, kh, kw := kd[0], kd[1], kd[2], kd[3]
	n, oh := vDims[0], vDims[2]
	// Step 1: g [n, ci*kh, oh, lw], lw = (ow-1)*sw + kw, channels ordered (c_in, a).
	vw := interleaveZeros(v, 3, strides[1])
	wk := graph.TransposeAllAxes(graph.Reverse(w, 3), 1, 2, 0, 3) // [ci, kh, co, kw]
	wk = graph.Reshape(wk, ci*kh, co, 1, kw)
	g := graph.Convolve(vw, wk).ChannelsAxis(images.ChannelsFirst).
		PaddingPerDim([][2]int{{0, 0}, {kw - 1, kw - 1}}).Done()
	lw := g.Shape().Dimensions[3]
	// Step 2: rows p*sh (interleaved) + a, summed over a: [n, ci, lh, lw], lh = (oh-1)*sh + kh.
	g = interleaveZeros(graph.Reshape(g, n, ci, kh, oh, lw), 3, strides[0])
	ph := g.Shape().Dimensions[3] // (oh-1)*sh + 1
	g = zeroPadAxis(g, 3, 0, kh)  // each row a: ph values, then kh zeros
	g = graph.Reshape(g, n, ci, kh*(ph+kh), lw)
	// Read with rows of ph+kh-1: row a starts a elements earlier, so its values move down by a;
	// what fills the rest is padding zeros of rows a-1 and a.
	g = graph.SliceAxis(g, 2, graph.AxisRange(0, kh*(ph+kh-1)))
	g = graph.ReduceSum(graph.Reshape(g, n, ci, kh, ph+kh-1, lw), 2)
	// From the padded input's coordinates to x's.
	for a := range 2 {
		g = cropAxis(g, 2+a, pads[a][0], xDims[2+a])
	}
	return g
}

// cropAxis returns x's elements [start, start+size) along axis, with zeros where that range
// leaves x (start < 0, or beyond x's end).
func cropAxis(x *graph.Node, axis, start, size int) *graph.Node {
	if start < 0 {
		x = zeroPadAxis(x, axis, -start, 0)
		start = 0
	}
	l := x.Shape().Dimensions[axis]
	if start+size > l {
		x = zeroPadAxis(x, axis, 0, start+size-l)
	}
	if start == 0 && size == x.Shape().Dimensions[axis] {
		return x
	}
	return graph.SliceAxis(x, axis, graph.AxisRange(start, start+size))
}

// Conv2DGradKernel is the gradient of y = conv2d(x, w) (stride, padding [axis][before, after])
// with respect to w, given v = dL/dy [n, c_out, oh, ow] and x [n, c_in, h, w]; wDims is w's
// shape [c_out, c_in, kh, kw]. It correlates the zero-padded x with v (interleaved with
// stride-1 zeros), with batch and channel axes swapped so that the batch is summed.
func Conv2DGradKernel(v, x *graph.Node, wDims []int, strides []int, pads [2][2]int) *graph.Node {
	xp := x
	vd := v
	for a := range 2 {
		axis := 2 + a
		vd = interleaveZeros(vd, axis, strides[a])
		xp = zeroPadAxis(xp, axis, max(pads[a][0], 0), max(pads[a][1], 0))
		if pads[a][0] < 0 || pads[a][1] < 0 {
			n := xp.Shape().Dimensions[axis]
			xp = graph.SliceAxis(xp, axis, graph.AxisRange(max(-pads[a][0], 0), n-max(-pads[a][1], 0)))
		}
	}
	xt := graph.Transpose(xp, 0, 1)                                                   // [c_in, n, hp, wp]: c_in as batch, n summed as channels
	vt := graph.Transpose(vd, 0, 1)                                                   // [c_out, n, dh, dw]: the kernel
	g := graph.Convolve(xt, vt).ChannelsAxis(images.ChannelsFirst).NoPadding().Done() // [c_in, c_out, >=kh, >=kw]
	g = graph.Slice(g, graph.AxisRange(), graph.AxisRange(), graph.AxisRange(0, wDims[2]), graph.AxisRange(0, wDims[3]))
	return graph.Transpose(g, 0, 1)
}

// interleaveZeros puts stride-1 zeros between consecutive elements of x along axis:
// length o becomes (o-1)*stride+1.
func interleaveZeros(x *graph.Node, axis, stride int) *graph.Node {
	dims := x.Shape().Clone().Dimensions
	o := dims[axis]
	if stride <= 1 || o <= 1 {
		return x
	}
	gap := append(append([]int{}, dims[:axis+1]...), append([]int{stride - 1}, dims[axis+1:]...)...)
	zero := graph.ScalarZero(x.Graph(), x.DType())
	xe := graph.Concatenate([]*graph.Node{graph.ExpandAxes(x, axis+1), graph.BroadcastToDims(zero, gap...)}, axis+1)
	merged := append([]int{}, dims...)
	merged[axis] = o * stride
	return graph.SliceAxis(graph.Reshape(xe, merged...), axis, graph.AxisRange(0, (o-1)*stride+1))
}

// zeroPadAxis adds before and after zeros along axis with Concatenate (no graph.Pad).
func zeroPadAxis(x *graph.Node, axis, before, after int) *graph.Node {
	if before <= 0 && after <= 0 {
		return x
	}
	zero := graph.ScalarZero(x.Graph(), x.DType())
	block := func(size int) *graph.Node {
		d := x.Shape().Clone().Dimensions
		d[axis] = size
		return graph.BroadcastToDims(zero, d...)
	}
	parts := make([]*graph.Node, 0, 3)
	if before > 0 {
		parts = append(parts, block(before))
	}
	parts = append(parts, x)
	if after > 0 {
		parts = append(parts, block(after))
	}
	return graph.Concatenate(parts, axis)
}

// padFreeSliceGrad returns the gradient of x for y = Slice(x, starts, limits, strides) given the
// gradient v of y, without graph.Pad: shape of x, zeros where the slice did not read.
func padFreeSliceGrad(x, v *graph.Node, starts, _, strides []int) *graph.Node {
	xDims := x.Shape().Dimensions
	for axis := range xDims {
		stride := 1
		if axis < len(strides) {
			stride = strides[axis]
		}
		v = interleaveZeros(v, axis, stride)
		v = zeroPadAxis(v, axis, starts[axis], xDims[axis]-starts[axis]-v.Shape().Dimensions[axis])
	}
	return v
}
