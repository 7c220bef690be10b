package cnn

import (
	"fmt"

	"github.com/d2l-go/d2l-go/internal/d2lerr"
	"github.com/gomlx/gomlx/core/graph"
)

// Argument checks. Bad arguments panic with a one-line *d2l.Error (package d2l names the type;
// it lives in internal/d2lerr) saying which function, which argument, what was given and what
// was expected, as everywhere in d2l-go, before any node is built.

// checkImages panics unless x is a rank-4 [n, c, h, w] node with no empty axis.
func checkImages(fn, arg string, x *graph.Node, want string) []int {
	if x == nil {
		d2lerr.Fail(fn, arg, want, "nil")
	}
	d := x.Shape().Dimensions
	if len(d) != 4 {
		d2lerr.Fail(fn, arg, want, "shape %v (rank %d)", d, len(d))
	}
	for _, v := range d {
		if v < 1 {
			d2lerr.Fail(fn, arg, "every dimension >= 1", "shape %v", d)
		}
	}
	return d
}

// checkPairs panics on a negative stride or padding (a zero stride means the default).
func checkPairs(fn string, stride, padding [2]int) {
	if stride[0] < 0 || stride[1] < 0 {
		d2lerr.Fail(fn, "cfg.Stride", "strides >= 1 (0 for the default)", "%v", stride[:])
	}
	if padding[0] < 0 || padding[1] < 0 {
		d2lerr.Fail(fn, "cfg.Padding", "padding >= 0", "%v", padding[:])
	}
}

// checkFits panics unless a window kh x kw fits into the input h x w padded by pad per side.
func checkFits(fn string, h, w, kh, kw int, pad [2]int) {
	if h+2*pad[0] < kh || w+2*pad[1] < kw {
		d2lerr.Fail(fn, "x", fmt.Sprintf("a (padded) input at least as large as the %dx%d window", kh, kw),
			"spatial size %dx%d with padding %v", h, w, pad[:])
	}
}

// checkConv validates the arguments of a convolution: x [n, c_in, h, w], w [c_out, c_in, kh, kw]
// of x's dtype, cfg, and a window that fits.
func checkConv(fn string, x, w *graph.Node, cfg ConvConfig) {
	xd := checkImages(fn, "x", x, "rank 4 [n, c_in, h, w]")
	wd := checkImages(fn, "w", w, "rank 4 [c_out, c_in, kh, kw]")
	if w.DType() != x.DType() {
		d2lerr.Fail(fn, "w", fmt.Sprintf("dtype %s (as x)", x.DType()), "dtype %s", w.DType())
	}
	if wd[1] != xd[1] {
		d2lerr.Fail(fn, "w", fmt.Sprintf("%d input channels in axis 1 (x is %v)", xd[1], xd), "shape %v", wd)
	}
	checkPairs(fn, cfg.Stride, cfg.Padding)
	checkFits(fn, xd[2], xd[3], wd[2], wd[3], cfg.Padding)
}

// checkPool validates the arguments of a pooling: x [n, c, h, w], a window >= 1, strides and
// padding, padding at most half the window (PyTorch's rule), and a window that fits.
func checkPool(fn string, x *graph.Node, cfg PoolConfig) {
	xd := checkImages(fn, "x", x, "rank 4 [n, c, h, w]")
	if cfg.Kernel[0] < 1 || cfg.Kernel[1] < 1 {
		d2lerr.Fail(fn, "cfg.Kernel", "window sizes >= 1", "%v", cfg.Kernel[:])
	}
	checkPairs(fn, cfg.Stride, cfg.Padding)
	if 2*cfg.Padding[0] > cfg.Kernel[0] || 2*cfg.Padding[1] > cfg.Kernel[1] {
		d2lerr.Fail(fn, "cfg.Padding", fmt.Sprintf("at most half the window %v", cfg.Kernel[:]), "%v", cfg.Padding[:])
	}
	checkFits(fn, xd[2], xd[3], cfg.Kernel[0], cfg.Kernel[1], cfg.Padding)
}
