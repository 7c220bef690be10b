package cnn

import (
	"github.com/gomlx/gomlx/core/graph"
	"github.com/gomlx/gomlx/core/tensors"
)

// avgPoolReshape computes AvgPool2D for the common non-overlapping case (stride equal to the
// window, no padding, e.g. LeNet's 2x2 stride 2) through reshapes: x [n, c, h, w] is cut to
// [n, c, oh*kh, ow*kw] (floor semantics: trailing rows/columns that no window covers are
// dropped) and summed over each window: by windowReduce where the speed preferences ask for
// it (pure Go), else by one ReduceSum of [n, c, oh, kh, ow, kw] over the kh and kw axes (ONNX
// Runtime: forward and backward at batch 64 about twice as fast as windowReduce's two). Its
// gradient is a broadcast, with no strided slices. It returns nil when cfg is not that case.
func avgPoolReshape(x *graph.Node, cfg PoolConfig) *graph.Node {
	if !tiles(x, cfg) {
		return nil
	}
	kh, kw := cfg.Kernel[0], cfg.Kernel[1]
	x = tileCut(x, kh, kw)
	var sum *graph.Node
	if prefsFor(x.Graph().Backend().Name()).poolTwoReductions {
		sum = windowReduce(x, kh, kw, graph.ReduceSum)
	} else {
		d := x.Shape().Dimensions
		sum = graph.ReduceSum(graph.Reshape(x, d[0], d[1], d[2]/kh, kh, d[3]/kw, kw), 3, 5)
	}
	return graph.DivScalar(sum, float64(kh*kw))
}

// tileCut cuts x [n, c, h, w] to [n, c, oh*kh, ow*kw], the rows and columns that the windows of
// kh x kw at stride (kh, kw) cover (floor semantics).
func tileCut(x *graph.Node, kh, kw int) *graph.Node {
	d := x.Shape().Dimensions
	oh, ow := d[2]/kh, d[3]/kw
	if oh*kh == d[2] && ow*kw == d[3] {
		return x
	}
	return slice(x, graph.AxisRange(), graph.AxisRange(), graph.AxisRange(0, oh*kh), graph.AxisRange(0, ow*kw))
}

// windowReduce reduces (with reduce: graph.ReduceSum or graph.ReduceMax) the non-overlapping
// kh x kw windows of x [n, c, oh*kh, ow*kw] -> [n, c, oh, ow] in two reductions over contiguous
// axes, which backends run as straight loops over rows: the kh rows of each window row
// ([n*c*oh, kh, w] over axis 1), then the kw neighbours ([n*c*oh*ow, kw] over axis 1). One
// reduction over the two separate window axes of [n, c, oh, kh, ow, kw] makes the pure-Go
// backend step an index iterator per element (2x2 pooling of 256x6x28x28, forward: 1.8 against
// 4.8 ms, BenchmarkPoolForward).
func windowReduce(x *graph.Node, kh, kw int, reduce func(x *graph.Node, axes ...int) *graph.Node) *graph.Node {
	d := x.Shape().Dimensions
	n, c, oh, ow := d[0], d[1], d[2]/kh, d[3]/kw
	y := x
	if kh > 1 {
		y = reduce(graph.Reshape(y, n*c*oh, kh, ow*kw), 1)
	}
	if kw > 1 {
		y = reduce(graph.Reshape(y, n*c*oh*ow, kw), 1)
	}
	return graph.Reshape(y, n, c, oh, ow)
}

// MaxPool2DForward computes MaxPool2D (x [n, c, h, w] -> [n, c, h', w'], the same values) with
// the formulation whose forward pass is fastest on x's backend, for graphs that take no gradient
// through it, such as d2l's eager MaxPool2d.Forward (its gradient routes ties to every maximum,
// where MaxPool2D's follows PyTorch's first maximum). For windows that tile the input on the
// backends whose speed preferences ask for two reductions over contiguous axes (pure Go) it is
// windowReduce (2x2 pooling of 256x6x28x28 1.9 against 2.7 ms for strided slices,
// BenchmarkPoolForward); elsewhere, and for overlapping or padded windows, MaxPool2D (the
// backend's own pooling where maxPoolFast uses it, ONNX Runtime's MaxPool).
func MaxPool2DForward(x *graph.Node, cfg PoolConfig) *graph.Node {
	checkPool("cnn.MaxPool2DForward", x, cfg)
	if !tiles(x, cfg) || !prefsFor(x.Graph().Backend().Name()).poolTwoReductions {
		return MaxPool2D(x, cfg)
	}
	return windowReduce(tileCut(x, cfg.Kernel[0], cfg.Kernel[1]), cfg.Kernel[0], cfg.Kernel[1], graph.ReduceMax)
}

// AvgPool2DForward computes AvgPool2D (x [n, c, h, w] -> [n, c, h', w'], the same values, and
// differentiable too) with the formulation whose forward pass is fastest on x's backend. It is
// meant for graphs that take no gradient through it, such as d2l's eager AvgPool2d.Forward;
// training graphs should use AvgPool2D, whose gradient is the faster one. For windows that do not
// overlap and have no padding (stride equal to the window, e.g. the book's 2x2 stride 2):
//
//   - pure Go: AvgPool2D's reshapes and two reductions (windowReduce), 1.8 against 2.7 ms for
//     the kh*kw strided slices summed (256x6x28x28, BenchmarkPoolForward);
//   - ONNX Runtime: two matrix products with constant 0/1 matrices, avgPoolMatMul, about 2.4
//     times faster than its ReduceSum (256x6x28x28: 0.6 against 1.45 ms) and 3 times faster
//     than its AveragePool (BenchmarkPoolForward; bench/README.md).
//
// Elsewhere (other backends, overlapping or padded windows) it is AvgPool2D.
func AvgPool2DForward(x *graph.Node, cfg PoolConfig) *graph.Node {
	checkPool("cnn.AvgPool2DForward", x, cfg)
	if !tiles(x, cfg) {
		return AvgPool2D(x, cfg)
	}
	kh, kw := cfg.Kernel[0], cfg.Kernel[1]
	switch prefsFor(x.Graph().Backend().Name()).avgForward {
	case avgMatMul:
		return avgPoolMatMul(x, kh, kw)
	}
	return AvgPool2D(x, cfg)
}

// tiles reports whether cfg's windows tile x [n, c, h, w] without overlap or padding (stride
// equal to the window, at least one window per axis): the case the reshape and matrix-product
// formulations of average pooling handle. Elsewhere AvgPool2D's general path builds the graph
// (and reports a window that does not fit).
func tiles(x *graph.Node, cfg PoolConfig) bool {
	kh, kw := cfg.Kernel[0], cfg.Kernel[1]
	sh, sw := cfg.strides()
	d := x.Shape().Dimensions
	return sh == kh && sw == kw && cfg.Padding == [2]int{} && kh >= 1 && kw >= 1 &&
		len(d) == 4 && d[2] >= kh && d[3] >= kw
}

// avgPoolMatMul averages the non-overlapping kh x kw windows of x [n, c, h, w] (stride equal to
// the window, floor semantics) with two matrix products, which ONNX Runtime runs with its fast
// GEMM: rows x [n*c*H, w] · P [w, ow], P[j][j/kw] = 1 for j < ow*kw (so trailing columns that no
// window covers meet zero rows), gives the sums over each window's columns [n*c*H, ow]; viewed as
// [n*c*oh, kh*ow] (H = oh*kh rows, trailing rows cut first) and multiplied by Q [kh*ow, ow],
// Q[a*ow+j][j] = 1, it gives the window sums, divided by kh*kw at the end as AvgPool2D does.
func avgPoolMatMul(x *graph.Node, kh, kw int) *graph.Node {
	d := x.Shape().Dimensions
	n, c, h, w := d[0], d[1], d[2], d[3]
	oh, ow := h/kh, w/kw
	if oh*kh != h {
		x = slice(x, graph.AxisRange(), graph.AxisRange(), graph.AxisRange(0, oh*kh))
	}
	g, dt := x.Graph(), x.DType()
	p := make([]float32, w*ow)
	for j := range ow * kw {
		p[j*ow+j/kw] = 1
	}
	q := make([]float32, kh*ow*ow)
	for a := range kh {
		for j := range ow {
			q[(a*ow+j)*ow+j] = 1
		}
	}
	P := graph.ConvertDType(graph.ConstTensor(g, tensors.FromFlatDataAndDimensions(p, w, ow)), dt)
	Q := graph.ConvertDType(graph.ConstTensor(g, tensors.FromFlatDataAndDimensions(q, kh*ow, ow)), dt)
	cols := graph.Dot(graph.Reshape(x, n*c*oh*kh, w), P).Product()     // [n*c*H, ow]
	sums := graph.Dot(graph.Reshape(cols, n*c*oh, kh*ow), Q).Product() // [n*c*oh, ow]
	return graph.DivScalar(graph.Reshape(sums, n, c, oh, ow), float64(kh*kw))
}
