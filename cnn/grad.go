package cnn

// Gradient fixes, installed into graph.VJPRegistration when the package is loaded:
//
//   - Convolution: GoMLX v0.28.1's gradient of ConvGeneral with respect to the input is wrong for
//     kernels of even size (it pads the reversed convolution one element short on the left; the
//     1x2 edge kernel of 6.2.4 hits it). For the plain NCHW 2-D convolutions built here it is
//     replaced by a transposed convolution built from zero-interleaving, zero blocks and an
//     unpadded Convolve, which runs on every backend. Other convolutions keep GoMLX's gradient.
//   - Strided Slice (and so the pooling of this package): GoMLX builds its gradient with
//     graph.Pad, which ONNX Runtime's backend lacks; there it falls back to
//     Broadcast/Concatenate/Reshape. Backends with Pad keep GoMLX's gradient.

import (
	"fmt"
	"reflect"
	"sync"

	"github.com/gomlx/compute"
	"github.com/gomlx/compute/shapes"
	"github.com/gomlx/gomlx/core/graph"
	"github.com/gomlx/gomlx/core/tensors/images"
)

// forcePadFreeGrad makes the Pad-free gradients run on every backend (tests use it to check
// them against GoMLX's own gradients on the pure-Go backend, which has Pad).
var forcePadFreeGrad = false

var installOnce sync.Once

// originalSliceVJP is GoMLX's Slice gradient, kept for backends that have Pad;
// originalConvVJP is GoMLX's ConvGeneral gradient, kept for convolutions not built by Conv2D.
var originalSliceVJP, originalConvVJP graph.VJP

func init() { InstallGradients() }

// InstallGradients installs the gradient fixes of this package into graph.VJPRegistration.
// It runs at package initialisation and is idempotent; programs need not call it.
//
// Installed:
//   - the gradient of a 2-D NCHW convolution (kernel [c_out, c_in, kh, kw], any stride and
//     padding, no dilation or grouping), correct for kernels of any size;
//   - the gradient of Slice (strided or not) for backends without Pad, built from Broadcast,
//     Concatenate and Reshape: v [..., o, ...] is interleaved with zeros to undo the stride, then
//     zero blocks are added before and after to restore x's shape.
func InstallGradients() {
	installOnce.Do(func() {
		originalSliceVJP = graph.VJPRegistration[graph.NodeTypeSlice]
		graph.VJPRegistration[graph.NodeTypeSlice] = sliceVJP
		originalConvVJP = graph.VJPRegistration[graph.NodeTypeConvGeneral]
		graph.VJPRegistration[graph.NodeTypeConvGeneral] = convVJP
	})
}

// hasOp reports whether the backend of g implements op.
func hasOp(g *graph.Graph, op compute.OpType) bool {
	return g.Backend().Capabilities().Operations[op]
}

// sliceVJP dispatches between GoMLX's gradient (backend has Pad) and padFreeSliceVJP.
func sliceVJP(node *graph.Node, v []*graph.Node, outputShape shapes.Shape) []*graph.Node {
	if !forcePadFreeGrad && hasOp(node.Graph(), compute.OpTypePad) && originalSliceVJP != nil {
		return originalSliceVJP(node, v, outputShape)
	}
	starts, limits, strides := sliceParams(node)
	return []*graph.Node{padFreeSliceGrad(node.Inputs()[0], v[0], starts, limits, strides)}
}

// nodeParams returns the (unexported) parameter struct of a node, for reading with reflection.
// GoMLX keeps the parameters of its ops unexported; a GoMLX version that renames them makes
// the readers below panic with a message naming the field.
func nodeParams(node *graph.Node) reflect.Value {
	inputs := reflect.ValueOf(node).Elem().FieldByName("inputs")
	if !inputs.IsValid() || inputs.IsNil() {
		panic(fmt.Sprintf("cnn: node %s: GoMLX's Node has no field \"inputs\"", node.Type()))
	}
	params := inputs.Elem()
	if params.Kind() == reflect.Pointer {
		params = params.Elem()
	}
	return params
}

// field returns the named field of a struct value, panicking with a clear message if absent.
func field(v reflect.Value, name string) reflect.Value {
	f := v.FieldByName(name)
	if !f.IsValid() {
		panic(fmt.Sprintf("cnn: field %q not found in %s (GoMLX version changed?)", name, v.Type()))
	}
	return f
}

// intsOf reads a []int (or [N]int) value.
func intsOf(v reflect.Value) []int {
	out := make([]int, v.Len())
	for i := range out {
		out[i] = int(v.Index(i).Int())
	}
	return out
}

// convVJP replaces GoMLX's ConvGeneral gradient for the convolutions Conv2D builds: NCHW input,
// [c_out, c_in, kh, kw] kernel, NCHW output, no dilations, no grouping. Others go to GoMLX.
func convVJP(node *graph.Node, v []*graph.Node, outputShape shapes.Shape) []*graph.Node {
	p := nodeParams(node)
	axes := field(p, "axes")
	isNCHW := func(batch, channels, spatial string, wantBatch, wantChannels int) bool {
		sp := intsOf(field(axes, spatial))
		return int(field(axes, batch).Int()) == wantBatch && int(field(axes, channels).Int()) == wantChannels &&
			len(sp) == 2 && sp[0] == 2 && sp[1] == 3
	}
	noDilation := func(name string) bool {
		for _, d := range intsOf(field(p, name)) {
			if d != 1 {
				return false
			}
		}
		return true
	}
	x, kernel := node.Inputs()[0], node.Inputs()[1]
	if x.Rank() != 4 || !isNCHW("InputBatch", "InputChannels", "InputSpatial", 0, 1) ||
		!isNCHW("KernelOutputChannels", "KernelInputChannels", "KernelSpatial", 0, 1) ||
		!isNCHW("OutputBatch", "OutputChannels", "OutputSpatial", 0, 1) ||
		!noDilation("inputDilations") || !noDilation("kernelDilations") ||
		field(p, "channelGroupCount").Int() > 1 || field(p, "batchGroupCount").Int() > 1 {
		return originalConvVJP(node, v, outputShape)
	}
	strides := []int{1, 1}
	if s := intsOf(field(p, "strides")); len(s) == 2 {
		strides = s
	}
	var pads [2][2]int
	if pv := field(p, "paddings"); pv.Len() == 2 {
		for a := range 2 {
			pads[a] = [2]int{int(pv.Index(a).Index(0).Int()), int(pv.Index(a).Index(1).Int())}
		}
	}
	// Backends such as ONNX Runtime run every node of the graph, used or not: when x is marked
	// graph.StopGradient (d2l's training step marks the images so), its gradient is not built.
	var gx *graph.Node
	if !x.StopGradient() {
		gx = Conv2DGradInput(v[0], kernel, x.Shape().Dimensions, strides, pads)
	}
	return []*graph.Node{gx, Conv2DGradKernel(v[0], x, kernel.Shape().Dimensions, strides, pads)}
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

// sliceParams reads starts, limits and strides of a Slice node.
func sliceParams(node *graph.Node) (starts, limits, strides []int) {
	p := nodeParams(node)
	return intsOf(field(p, "starts")), intsOf(field(p, "limits")), intsOf(field(p, "strides"))
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
