// Package cnn holds the graph-level building blocks of chapter 6 (convolutional neural networks):
// 2-D convolution with padding and stride, and max/average pooling, all on *graph.Node in the
// NCHW layout that PyTorch (and the book) use.
//
// Layouts:
//
//	x (images)  [n, c_in, h, w]
//	w (kernels) [c_out, c_in, kh, kw]
//	b (bias)    [c_out]
//	y (output)  [n, c_out, h', w'] with h' = OutSize(h, kh, ph, sh), w' = OutSize(w, kw, pw, sw)
//
// Semantics follow PyTorch: padding is given per side (the book's formulas use the total 2*p),
// the output size is floored, max pooling never picks a padded cell, average pooling counts the
// padded zeros in its divisor (count_include_pad=True).
//
// Every function here is differentiable on every GoMLX backend, including the pure-Go one.
// Pooling is built from padding, strided slices and element-wise Max/Add, which needs no
// SelectAndScatter; where a backend has its own fast pooling and the windows do not overlap,
// max pooling uses it (ONNX Runtime's MaxPool, see maxPoolFast), and AvgPool2DForward and
// MaxPool2DForward pick the formulation whose forward pass is fastest, for graphs that take no
// gradient (eager calls).
//
// Speed: which of several equivalent formulations runs fastest depends on the backend's kernels,
// so one measured table (fast.go) picks them per backend. ONNX Runtime and XLA convolve natively.
// On the pure-Go backend, whose Slice, most Transposes, ReduceWindow and ConvGeneral move or
// combine one element at a time while its Gather, ScatterSum, Concatenate and matrix products
// work on contiguous runs, Conv2D is Conv2DGather (im2col cut out by Gathers of whole rows, one
// matrix product, transpose-free gradients) and windows that tile the input are pooled by two
// reductions over contiguous axes.
//
// Bad arguments (ranks, channels, negative strides or padding, a window larger than the padded
// input) panic with a one-line *d2l.Error naming the function and the argument, as in package
// d2l, before any node is built; SetConvImpl does the same with an unknown implementation.
//
// Gradients: two of GoMLX's gradients are wrong or unusable for these graphs (the input
// gradient of a convolution with an even-sized kernel; the Slice gradient on backends without
// interior Pad, such as ONNX Runtime), and one is slow on the pure-Go backend (a product's
// gradient with respect to its right operand, see mulCols). This package replaces them on the
// nodes it builds only, through graph.IdentityWithCustomGradient (see grad.go): importing cnn
// leaves GoMLX's global gradient table (graph.VJPRegistration) unchanged and reads no
// unexported GoMLX field, so graphs built with plain GoMLX ops behave exactly as GoMLX defines
// them.
//
// Settings: SetConvImpl and $D2L_CONV_IMPL choose how Conv2D is computed for graphs built after
// the call; SettingsKey describes them, for callers that cache compiled graphs (d2l adds it to
// every cache key).
package cnn

import (
	"fmt"

	"github.com/d2l-go/d2l-go/internal/d2lerr"
	"github.com/gomlx/gomlx/core/graph"
)

// OutSize returns the output length of a convolution or pooling along one axis:
// floor((n + 2*p - k) / s) + 1 for input length n, window k, padding p per side and stride s.
// It returns 0 (or less) when the window does not fit in the padded input.
// Example: OutSize(8, 3, 1, 2) == 4.
func OutSize(n, k, p, s int) int {
	if s < 1 {
		s = 1
	}
	d := n + 2*p - k
	if d < 0 {
		return 0
	}
	return d/s + 1
}

// ConvConfig configures Conv2D: stride and zero padding per spatial axis (height, width).
// The zero value means stride 1 and no padding (the book's corr2d).
type ConvConfig struct {
	// Stride [sh, sw]; 0 means 1 (negative values are an error).
	Stride [2]int
	// Padding [ph, pw] of zeros added on EACH side (PyTorch's padding).
	Padding [2]int
}

func (c ConvConfig) strides() (int, int) {
	sh, sw := c.Stride[0], c.Stride[1]
	if sh < 1 {
		sh = 1
	}
	if sw < 1 {
		sw = 1
	}
	return sh, sw
}

// Conv2D is PyTorch's conv2d without bias (a cross-correlation, as the book calls it):
// x [n, c_in, h, w], w [c_out, c_in, kh, kw] -> [n, c_out, h', w'] where
// h' = OutSize(h, kh, Padding[0], Stride[0]) and w' = OutSize(w, kw, Padding[1], Stride[1]).
func Conv2D(x, w *graph.Node, cfg ConvConfig) *graph.Node {
	checkConv("cnn.Conv2D", x, w, cfg)
	if y, _ := conv2DFast(x, w, nil, cfg); y != nil { // per-backend fast variant, see fast.go
		return y
	}
	sh, sw := cfg.strides()
	wDims := w.Shape().Dimensions
	x, padH := fitAxis(x, 2, wDims[2], cfg.Padding[0], sh)
	x, padW := fitAxis(x, 3, wDims[3], cfg.Padding[1], sw)
	return convolve2D(x, w, [2]int{sh, sw}, [2][2]int{padH, padW})
}

// fitAxis prepares one spatial axis of x for graph.Convolve so that its gradient can be built:
// GoMLX's convolution gradient needs windows that tile the padded axis exactly and a padding
// no larger than the window allows. Trailing rows (or columns) that no window reaches are cut
// off, and padding the gradient cannot express is applied beforehand with zeros. It returns the
// new x and the [start, end] padding left for the convolution. The forward result is unchanged.
func fitAxis(x *graph.Node, axis, k, p, s int) (*graph.Node, [2]int) {
	n := x.Shape().Dimensions[axis]
	extra := n + 2*p - k
	if extra < 0 {
		return x, [2]int{p, p} // the graph builder reports the error
	}
	start, end := p, p-extra%s  // end < 0 means: cut -end trailing elements of x
	maxPad := k - 1 - (1 - k%2) // what the gradient supports: k-1 for odd k, k-2 for even k
	if start > maxPad || end > maxPad {
		// Pad explicitly with zeros (the end side only as far as windows reach), convolve unpadded.
		x = padAxis(x, axis, start, max(end, 0), graph.ScalarZero(x.Graph(), x.DType()))
		n += start + max(end, 0)
		start, end = 0, min(end, 0)
	}
	if end < 0 {
		x = sliceAxis(x, axis, graph.AxisRange(0, n+end))
		end = 0
	}
	return x, [2]int{start, end}
}

// padAxis pads one axis of x with fill: start elements before and end elements after.
// It is built with Concatenate (graph.Pad has no gradient in GoMLX v0.28).
func padAxis(x *graph.Node, axis, start, end int, fill *graph.Node) *graph.Node {
	if start == 0 && end == 0 {
		return x
	}
	parts := make([]*graph.Node, 0, 3)
	block := func(size int) *graph.Node {
		dims := x.Shape().Clone().Dimensions
		dims[axis] = size
		return graph.BroadcastToDims(fill, dims...)
	}
	if start > 0 {
		parts = append(parts, block(start))
	}
	parts = append(parts, x)
	if end > 0 {
		parts = append(parts, block(end))
	}
	return graph.Concatenate(parts, axis)
}

// Conv2DBias is Conv2D followed by adding one bias per output channel (PyTorch's conv2d with bias):
// x [n, c_in, h, w], w [c_out, c_in, kh, kw], b [c_out] -> [n, c_out, h', w'].
// A nil b gives Conv2D.
func Conv2DBias(x, w, b *graph.Node, cfg ConvConfig) *graph.Node {
	checkConv("cnn.Conv2DBias", x, w, cfg)
	if b != nil {
		if d := b.Shape().Dimensions; len(d) != 1 || d[0] != w.Shape().Dimensions[0] || b.DType() != x.DType() {
			d2lerr.Fail("cnn.Conv2DBias", "b", fmt.Sprintf("%s [%d] (one per output channel)", x.DType(), w.Shape().Dimensions[0]),
				"%s %v", b.DType(), d)
		}
	}
	if b == nil {
		return Conv2D(x, w, cfg)
	}
	if y, biasAdded := conv2DFast(x, w, b, cfg); biasAdded { // see fast.go
		return y
	}
	y := Conv2D(x, w, cfg)
	return graph.Add(y, graph.Reshape(b, 1, b.Shape().Dimensions[0], 1, 1))
}

// PoolConfig configures MaxPool2D and AvgPool2D along (height, width).
type PoolConfig struct {
	// Kernel is the window [kh, kw]; required (>= 1).
	Kernel [2]int
	// Stride [sh, sw]; 0 means "same as the window", PyTorch's default (negative values are an
	// error).
	Stride [2]int
	// Padding [ph, pw] per side; PyTorch allows at most half the window.
	Padding [2]int
}

func (c PoolConfig) strides() (int, int) {
	sh, sw := c.Stride[0], c.Stride[1]
	if sh < 1 {
		sh = c.Kernel[0]
	}
	if sw < 1 {
		sw = c.Kernel[1]
	}
	return max(sh, 1), max(sw, 1)
}

// OutShape returns [h', w'] for an input of spatial size h x w.
func (c PoolConfig) OutShape(h, w int) [2]int {
	sh, sw := c.strides()
	return [2]int{OutSize(h, c.Kernel[0], c.Padding[0], sh), OutSize(w, c.Kernel[1], c.Padding[1], sw)}
}

// MaxPool2D is PyTorch's max_pool2d: x [n, c, h, w] -> [n, c, h', w'], the maximum of each
// window; padding never wins (it is filled with the lowest finite value of x's dtype).
// Ties send the gradient to the first maximum in row-major window order, as PyTorch does.
func MaxPool2D(x *graph.Node, cfg PoolConfig) *graph.Node {
	checkPool("cnn.MaxPool2D", x, cfg)
	if y := maxPoolFast(x, cfg); y != nil { // the backend's own pooling where it has one, see fast.go
		return y
	}
	return poolWindows(x, cfg, x.DType().LowestValue(), graph.Max)
}

// AvgPool2D is PyTorch's avg_pool2d with count_include_pad=True: x [n, c, h, w] -> [n, c, h', w'],
// the sum of each window (padded zeros included) divided by kh*kw.
func AvgPool2D(x *graph.Node, cfg PoolConfig) *graph.Node {
	checkPool("cnn.AvgPool2D", x, cfg)
	if y := avgPoolFast(x, cfg); y != nil { // reshape-based on pure Go, see fast.go
		return y
	}
	sum := poolWindows(x, cfg, 0, graph.Add)
	return graph.DivScalar(sum, float64(cfg.Kernel[0]*cfg.Kernel[1]))
}

// poolWindows pads the spatial axes of x with the value fill (a constant of x's dtype, made only
// when there is padding: ONNX Runtime warns on stderr about every unused constant), then
// combines, with op, the kh*kw strided slices that hold each window's element at offset (i, j).
// The result is [n, c, h', w'].
func poolWindows(x *graph.Node, cfg PoolConfig, fill any, op func(a, b *graph.Node) *graph.Node) *graph.Node {
	sh, sw := cfg.strides()
	kh, kw := cfg.Kernel[0], cfg.Kernel[1]
	ph, pw := cfg.Padding[0], cfg.Padding[1]
	dims := x.Shape().Dimensions
	h, w := dims[2], dims[3]
	oh, ow := OutSize(h, kh, ph, sh), OutSize(w, kw, pw, sw)
	xp := x
	if ph > 0 || pw > 0 {
		f := graph.ConstAs(x, fill)
		xp = padAxis(padAxis(x, 2, ph, ph, f), 3, pw, pw, f)
	}
	var acc *graph.Node
	for i := range kh {
		for j := range kw {
			win := slice(xp, graph.AxisRange(), graph.AxisRange(),
				graph.AxisRange(i, i+(oh-1)*sh+1).Stride(sh),
				graph.AxisRange(j, j+(ow-1)*sw+1).Stride(sw))
			if acc == nil {
				acc = win
			} else {
				acc = op(acc, win)
			}
		}
	}
	return acc
}
