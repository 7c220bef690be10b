package d2l

import (
	"fmt"

	"github.com/d2l-go/d2l-go/cnn"
	"github.com/gomlx/gomlx/core/graph"
	"github.com/gomlx/gomlx/core/tensors"
)

// The book's from-scratch functions of sections 6.2-6.5, computed by GoMLX graphs (package cnn).

// Corr2D is the book's corr2d: the 2-D cross-correlation of X [h, w] with the kernel K [kh, kw],
// without padding and with stride 1. The result is [h-kh+1, w-kw+1].
//
//	Y := d2l.Corr2D(X, K)
func Corr2D(X, K *tensors.Tensor) *tensors.Tensor {
	const fn = "d2l.Corr2D"
	defer guard(fn)
	dx := checkFinite(fn, "X", X, "rank 2 [h, w]", 2)
	dk := checkFinite(fn, "K", K, "rank 2 [kh, kw]", 2)
	checkNonEmpty(fn, "K", dk)
	checkFits(fn, dx[0], dx[1], dk[0], dk[1], [2]int{}, "X")
	return exec2("corr2d", func(x, k *graph.Node) *graph.Node {
		h, w := x.Shape().Dimensions[0], x.Shape().Dimensions[1]
		kh, kw := k.Shape().Dimensions[0], k.Shape().Dimensions[1]
		y := cnn.Conv2D(graph.Reshape(x, 1, 1, h, w), graph.Reshape(k, 1, 1, kh, kw), cnn.ConvConfig{})
		return graph.Reshape(y, h-kh+1, w-kw+1)
	}, X, K)
}

// Corr2DMultiIn is the book's corr2d_multi_in: X [ci, h, w] and K [ci, kh, kw] are correlated
// channel by channel and the results summed: [h-kh+1, w-kw+1].
func Corr2DMultiIn(X, K *tensors.Tensor) *tensors.Tensor {
	const fn = "d2l.Corr2DMultiIn"
	defer guard(fn)
	dx := checkFinite(fn, "X", X, "rank 3 [ci, h, w]", 3)
	dk := checkFinite(fn, "K", K, "rank 3 [ci, kh, kw]", 3)
	checkNonEmpty(fn, "X", dx)
	checkNonEmpty(fn, "K", dk)
	if dk[0] != dx[0] {
		fail(fn, "K", fmt.Sprintf("%d input channels (X is %v)", dx[0], dx), "shape %v (%d input channels)", dk, dk[0])
	}
	checkFits(fn, dx[1], dx[2], dk[1], dk[2], [2]int{}, "X")
	return exec2("corr2d_multi_in", func(x, k *graph.Node) *graph.Node {
		xd, kd := x.Shape().Dimensions, k.Shape().Dimensions
		y := cnn.Conv2D(graph.InsertAxes(x, 0), graph.InsertAxes(k, 0), cnn.ConvConfig{})
		return graph.Reshape(y, xd[1]-kd[1]+1, xd[2]-kd[2]+1)
	}, X, K)
}

// Corr2DMultiInOut is the book's corr2d_multi_in_out: X [ci, h, w] with K [co, ci, kh, kw]
// gives one Corr2DMultiIn per output channel: [co, h-kh+1, w-kw+1].
func Corr2DMultiInOut(X, K *tensors.Tensor) *tensors.Tensor {
	const fn = "d2l.Corr2DMultiInOut"
	defer guard(fn)
	dx := checkFinite(fn, "X", X, "rank 3 [ci, h, w]", 3)
	dk := checkFinite(fn, "K", K, "rank 4 [co, ci, kh, kw]", 4)
	checkNonEmpty(fn, "X", dx)
	checkNonEmpty(fn, "K", dk)
	if dk[1] != dx[0] {
		fail(fn, "K", fmt.Sprintf("%d input channels in axis 1 (X is %v)", dx[0], dx), "shape %v (%d input channels)", dk, dk[1])
	}
	checkFits(fn, dx[1], dx[2], dk[2], dk[3], [2]int{}, "X")
	return exec2("corr2d_multi_in_out", func(x, k *graph.Node) *graph.Node {
		y := cnn.Conv2D(graph.InsertAxes(x, 0), k, cnn.ConvConfig{})
		return graph.Reshape(y, y.Shape().Dimensions[1:]...)
	}, X, K)
}

// Corr2DMultiInOut1x1 is the book's corr2d_multi_in_out_1x1: a 1x1 convolution computed as
// ONE matrix product, K [co, ci] (from [co, ci, 1, 1]) times X [ci, h*w] (from [ci, h, w]),
// reshaped to [co, h, w]. It equals Corr2DMultiInOut(X, K).
func Corr2DMultiInOut1x1(X, K *tensors.Tensor) *tensors.Tensor {
	const fn = "d2l.Corr2DMultiInOut1x1"
	defer guard(fn)
	dx := checkFinite(fn, "X", X, "rank 3 [ci, h, w]", 3)
	dk := checkFinite(fn, "K", K, "rank 4 [co, ci, 1, 1]", 4)
	checkNonEmpty(fn, "X", dx)
	checkNonEmpty(fn, "K", dk)
	if dk[2] != 1 || dk[3] != 1 {
		fail(fn, "K", "a 1x1 kernel [co, ci, 1, 1]", "shape %v", dk)
	}
	if dk[1] != dx[0] {
		fail(fn, "K", fmt.Sprintf("%d input channels in axis 1 (X is %v)", dx[0], dx), "shape %v (%d input channels)", dk, dk[1])
	}
	return exec2("corr2d_multi_in_out_1x1", func(x, k *graph.Node) *graph.Node {
		xd, kd := x.Shape().Dimensions, k.Shape().Dimensions
		ci, h, w, co := xd[0], xd[1], xd[2], kd[0]
		y := graph.Dot(graph.Reshape(k, co, ci), graph.Reshape(x, ci, h*w)).Product()
		return graph.Reshape(y, co, h, w)
	}, X, K)
}

// Pool2D is the book's pool2d: max or average pooling of X [h, w] with a window
// poolSize = [ph, pw], stride 1 and no padding; mode is "max" or "avg". The result is
// [h-ph+1, w-pw+1].
//
//	Y := d2l.Pool2D(X, [2]int{2, 2}, "max")
func Pool2D(X *tensors.Tensor, poolSize [2]int, mode string) *tensors.Tensor {
	const fn = "d2l.Pool2D"
	defer guard(fn)
	dx := checkFinite(fn, "X", X, "rank 2 [h, w]", 2)
	checkPair(fn, "poolSize", poolSize, 1, "window sizes >= 1")
	if mode != "max" && mode != "avg" {
		fail(fn, "mode", `"max" or "avg"`, "%q", mode)
	}
	checkFits(fn, dx[0], dx[1], poolSize[0], poolSize[1], [2]int{}, "X")
	cfg := cnn.PoolConfig{Kernel: poolSize, Stride: [2]int{1, 1}}
	key := fmt.Sprintf("pool2d/%s/%v", mode, poolSize)
	return exec1(key, func(x *graph.Node) *graph.Node {
		h, w := x.Shape().Dimensions[0], x.Shape().Dimensions[1]
		x4 := graph.Reshape(x, 1, 1, h, w)
		var y *graph.Node
		if mode == "max" {
			y = cnn.MaxPool2DForward(x4, cfg) // eager: no gradient taken
		} else {
			y = cnn.AvgPool2DForward(x4, cfg) // eager: no gradient taken
		}
		return graph.Reshape(y, y.Shape().Dimensions[2:]...)
	}, X)
}

// checkFits panics unless a window kh x kw fits into the input h x w padded by pad per side.
func checkFits(fn string, h, w, kh, kw int, pad [2]int, arg string) {
	if h+2*pad[0] < kh || w+2*pad[1] < kw {
		padded := ""
		if pad != [2]int{} {
			padded = fmt.Sprintf(", %dx%d after padding", h+2*pad[0], w+2*pad[1])
		}
		fail(fn, arg, fmt.Sprintf("a (padded) input at least as large as the %dx%d window", kh, kw),
			"spatial size %dx%d%s", h, w, padded)
	}
}

// checkNonEmpty panics unless every dimension is at least 1.
func checkNonEmpty(fn, arg string, d []int) {
	for _, v := range d {
		if v < 1 {
			fail(fn, arg, "every dimension >= 1", "shape %v", d)
		}
	}
}
