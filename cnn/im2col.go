package cnn

import (
	"github.com/gomlx/compute/shapes"
	"github.com/gomlx/gomlx/core/graph"
)

// im2colBatched selects the matrix-product layout of Conv2DIm2Col: true multiplies
// per image (a batched DotGeneral over n with the kernel broadcast), false multiplies
// one [c_out, k] by [k, n*p] matrix and transposes the result.
var im2colBatched = true

// Conv2DIm2Col computes the same function as Conv2D (PyTorch's conv2d without bias,
// x [n, c_in, h, w], w [c_out, c_in, kh, kw] -> [n, c_out, h', w']) as "im2col" plus one
// matrix product: the kh*kw shifted (and strided) windows of the zero-padded input are
// stacked into columns cols [n, c_in*kh*kw, h'*w'] and multiplied by the kernel viewed as
// a matrix [c_out, c_in*kh*kw]. It is built only from Concatenate, Slice, Reshape,
// Broadcast and DotGeneral, so GoMLX differentiates it on every backend that has these
// ops, and its gradient is two matrix products plus the sum of the shifted windows.
func Conv2DIm2Col(x, w *graph.Node, cfg ConvConfig) *graph.Node {
	checkConv("cnn.Conv2DIm2Col", x, w, cfg)
	sh, sw := cfg.strides()
	xd, wd := x.Shape().Dimensions, w.Shape().Dimensions
	n, ci, h, wi := xd[0], xd[1], xd[2], xd[3]
	co, kh, kw := wd[0], wd[2], wd[3]
	ph, pw := cfg.Padding[0], cfg.Padding[1]
	oh, ow := OutSize(h, kh, ph, sh), OutSize(wi, kw, pw, sw)
	xp := zeroPad(x, ph, pw)

	var cols *graph.Node
	if kh == 1 && kw == 1 && sh == 1 && sw == 1 {
		cols = graph.Reshape(xp, n, ci, oh*ow)
	} else {
		wins := make([]*graph.Node, 0, kh*kw)
		for i := range kh {
			for j := range kw {
				win := slice(xp, graph.AxisRange(), graph.AxisRange(),
					graph.AxisRange(i, i+(oh-1)*sh+1).Stride(sh),
					graph.AxisRange(j, j+(ow-1)*sw+1).Stride(sw))
				wins = append(wins, graph.Reshape(win, n, ci, 1, oh*ow))
			}
		}
		cols = graph.Concatenate(wins, 2)              // [n, ci, kh*kw, p]
		cols = graph.Reshape(cols, n, ci*kh*kw, oh*ow) // [n, k, p]
	}
	k := ci * kh * kw
	wm := graph.Reshape(w, co, k)
	var y *graph.Node
	if im2colBatched {
		wb := graph.BroadcastToDims(graph.Reshape(wm, 1, co, k), n, co, k)
		y = graph.DotGeneral(wb, []int{2}, []int{0}, cols, []int{1}, []int{0}) // [n, co, p]
	} else {
		y = graph.DotGeneral(wm, []int{1}, nil, cols, []int{1}, nil) // [co, n, p]
		y = graph.TransposeAllAxes(y, 1, 0, 2)
	}
	return graph.Reshape(y, n, co, oh, ow)
}

// zeroPad adds ph zero rows above and below and pw zero columns left and right of
// x [n, c, h, w], using Concatenate (which every backend has, unlike Pad).
func zeroPad(x *graph.Node, ph, pw int) *graph.Node {
	g, dt := x.Graph(), x.DType()
	if ph > 0 {
		d := x.Shape().Dimensions
		rows := graph.Zeros(g, shapes.Make(dt, d[0], d[1], ph, d[3]))
		x = graph.Concatenate([]*graph.Node{rows, x, rows}, 2)
	}
	if pw > 0 {
		d := x.Shape().Dimensions
		cols := graph.Zeros(g, shapes.Make(dt, d[0], d[1], d[2], pw))
		x = graph.Concatenate([]*graph.Node{cols, x, cols}, 3)
	}
	return x
}
