package cnn

import (
	"github.com/gomlx/compute/shapes"
	"github.com/gomlx/gomlx/core/graph"
	"github.com/gomlx/gomlx/core/tensors"
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

// im2colIndices returns, for x [n, c_in, h, w] viewed as rows [c_in*h*w, n] plus one extra
// zero row (index c_in*h*w) for padding, the row index of every element of the im2col
// matrix [c_in*kh*kw, oh*ow], as a flat []int64 in row-major order (int64: ONNX's ScatterND, the gradient, wants it).
func im2colIndices(ci, h, w, kh, kw, ph, pw, sh, sw, oh, ow int) []int64 {
	zero := int64(ci * h * w)
	idx := make([]int64, 0, ci*kh*kw*oh*ow)
	for c := range ci {
		for i := range kh {
			for j := range kw {
				for oy := range oh {
					y := oy*sh + i - ph
					for ox := range ow {
						x := ox*sw + j - pw
						if y < 0 || y >= h || x < 0 || x >= w {
							idx = append(idx, zero)
						} else {
							idx = append(idx, int64((c*h+y)*w+x))
						}
					}
				}
			}
		}
	}
	return idx
}

// Conv2DGather computes the same function as Conv2D (x [n, c_in, h, w], w [c_out, c_in, kh, kw]
// -> [n, c_out, h', w']) as im2col by one Gather plus one matrix product, with the batch as the
// innermost axis so that every gathered slice is a contiguous row of n values:
//
//	rows = [x transposed to [c_in*h*w, n]; one zero row]       (the zero row serves padding)
//	cols = Gather(rows, indices [c_in*kh*kw, h'*w'])            [c_in*kh*kw, h'*w', n]
//	y    = w as [c_out, c_in*kh*kw] · cols                      [c_out, h'*w', n] -> [n, c_out, h', w']
//
// Its gradient is two matrix products and one ScatterSum (the gradient of Gather), which ONNX
// Runtime runs with its own fast kernels.
func Conv2DGather(x, w *graph.Node, cfg ConvConfig) *graph.Node {
	checkConv("cnn.Conv2DGather", x, w, cfg)
	sh, sw := cfg.strides()
	xd, wd := x.Shape().Dimensions, w.Shape().Dimensions
	n, ci, h, wi := xd[0], xd[1], xd[2], xd[3]
	co, kh, kw := wd[0], wd[2], wd[3]
	ph, pw := cfg.Padding[0], cfg.Padding[1]
	oh, ow := OutSize(h, kh, ph, sh), OutSize(wi, kw, pw, sw)
	g := x.Graph()
	k, p := ci*kh*kw, oh*ow
	rows := graph.Reshape(graph.TransposeAllAxes(x, 1, 2, 3, 0), ci*h*wi, n)
	rows = graph.Concatenate([]*graph.Node{rows, graph.Zeros(g, shapes.Make(x.DType(), 1, n))}, 0)
	idx := im2colIndices(ci, h, wi, kh, kw, ph, pw, sh, sw, oh, ow)
	indices := graph.ConstTensor(g, tensors.FromFlatDataAndDimensions(idx, k*p, 1))
	cols := graph.Reshape(graph.Gather(rows, indices), k, p*n)
	y := graph.Dot(graph.Reshape(w, co, k), cols).Product() // [co, p*n]
	y = graph.TransposeAllAxes(graph.Reshape(y, co, p, n), 2, 0, 1)
	return graph.Reshape(y, n, co, oh, ow)
}
