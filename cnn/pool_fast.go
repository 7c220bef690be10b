package cnn

import (
	"github.com/gomlx/gomlx/core/graph"
)

// avgPoolReshape computes AvgPool2D for the common non-overlapping case (stride equal to the
// window, no padding, e.g. LeNet's 2x2 stride 2) through a reshape: x [n, c, h, w] is cut to
// [n, c, oh*kh, ow*kw] (floor semantics: trailing rows/columns that no window covers are
// dropped), viewed as [n, c, oh, kh, ow, kw] and averaged over the kh and kw axes. Its
// gradient is a broadcast, with no strided slices. It returns nil when cfg is not that case.
func avgPoolReshape(x *graph.Node, cfg PoolConfig) *graph.Node {
	kh, kw := cfg.Kernel[0], cfg.Kernel[1]
	sh, sw := cfg.strides()
	if sh != kh || sw != kw || cfg.Padding != [2]int{} || kh < 1 || kw < 1 {
		return nil
	}
	d := x.Shape().Dimensions
	n, c, h, w := d[0], d[1], d[2], d[3]
	oh, ow := h/kh, w/kw
	if oh < 1 || ow < 1 {
		return nil // the graph builder of the general path reports the error
	}
	if oh*kh != h || ow*kw != w {
		x = slice(x, graph.AxisRange(), graph.AxisRange(), graph.AxisRange(0, oh*kh), graph.AxisRange(0, ow*kw))
	}
	y := graph.ReduceSum(graph.Reshape(x, n, c, oh, kh, ow, kw), 3, 5)
	return graph.DivScalar(y, float64(kh*kw))
}
