package cnn

import (
	"sync"

	"github.com/gomlx/compute"
	"github.com/gomlx/compute/dtypes"
	"github.com/gomlx/compute/shapes"
	"github.com/gomlx/gomlx/core/graph"
	"github.com/gomlx/gomlx/core/tensors"
)

// Conv2DGather computes the same function as Conv2D (PyTorch's conv2d without bias,
// x [n, c_in, h, w], w [c_out, c_in, kh, kw] -> [n, c_out, h', w']) as im2col plus one matrix
// product, where every data-moving step copies long contiguous runs: the im2col matrix
// cols [k, m] (k = c_in*kh*kw in w's order) is cut out of the zero-padded input by one Gather
// of whole rows or row blocks, multiplied as w [c_out, k] · cols -> [c_out, m], and the result
// is brought to NCHW by one Gather of rows or one 2-D transpose. It is the formulation the
// pure-Go backend runs fastest: its Gather and ScatterSum copy and add contiguous runs with
// memmove and vector adds, where its Slice and most of its Transposes move one element at a time.
//
// Two layouts of m, chosen by gatherLayout for the shapes:
//
//   - rows (batch outer): the input becomes [c_in, n, rows of the padded width w+2*pw]
//     flattened; a window offset (c, i, j) reads, for each image, one contiguous run covering
//     all output rows at the full padded width (stride 1 along the height) or one run per
//     output row. cols is [k, n*h'*wp] (or [k, h'*n*wp]); the wp-w' columns beyond each output
//     row are computed and dropped by the final Gather. Nothing is transposed element by
//     element. Best where w+2*pw is close to w' and the output is large (LeNet's conv1).
//   - batch inner: the input is transposed to [c_in, h+2*ph, w+2*pw, n] (one 2-D transpose);
//     a window offset and output row read w'*n contiguous values (stride 1 along the width) or
//     n per output pixel. cols is [k, h'*w'*n] with nothing wasted, and the product is
//     transposed back (one 2-D transpose). Best where many columns would be wasted (LeNet's
//     conv2: 10 of 14).
//
// Backends whose Gather only takes whole trailing axes (ONNX Runtime's) get the batch-inner
// layout with one run of n values per output pixel, read by a plain graph.Gather of rows
// (generalGather decides, by a build probe).
//
// Gradients: GoMLX derives them (ScatterSum for the Gathers, with contiguous runs again), except
// for the product's gradient with respect to cols, which mulCols computes as one product in the
// layout the backend multiplies directly. GoMLX's own version of that gradient stays in the graph
// unused: backends that drop unused nodes (pure Go, XLA) never compute it, others (ONNX Runtime,
// where Conv2D uses its native convolution) compute it in vain.
func Conv2DGather(x, w *graph.Node, cfg ConvConfig) *graph.Node {
	checkConv("cnn.Conv2DGather", x, w, cfg)
	return conv2DGather(x, w, nil, cfg)
}

// conv2DGather is Conv2DGather plus, for a non-nil b [c_out], one bias per output channel added
// to the rows of the [c_out, m] product (its gradient: sums of contiguous rows, where a bias
// added to the NCHW result sums over three axes element by element).
func conv2DGather(x, w, b *graph.Node, cfg ConvConfig) *graph.Node {
	gc := newGatherConv(x, w, cfg)
	if gc.batchInner {
		return gc.batchInnerConv(x, w, b)
	}
	return gc.rowsConv(x, w, b)
}

// addRowBias adds b [c_out] (if not nil) to every row of y [c_out, m].
func addRowBias(y, b *graph.Node) *graph.Node {
	if b == nil {
		return y
	}
	return graph.Add(y, graph.Reshape(b, b.Shape().Dimensions[0], 1))
}

// gatherConv holds the sizes of one Conv2DGather.
type gatherConv struct {
	n, ci, h, wi, co, kh, kw int
	sh, sw, ph, pw           int
	oh, ow, hp, wp           int
	k                        int  // ci*kh*kw
	batchInner               bool // the layout, see gatherLayout
	pixelRuns                bool // runs of n values per output pixel, by graph.Gather (!generalGather)
}

func newGatherConv(x, w *graph.Node, cfg ConvConfig) gatherConv {
	xd, wd := x.Shape().Dimensions, w.Shape().Dimensions
	c := gatherConv{n: xd[0], ci: xd[1], h: xd[2], wi: xd[3], co: wd[0], kh: wd[2], kw: wd[3]}
	c.sh, c.sw = cfg.strides()
	c.ph, c.pw = cfg.Padding[0], cfg.Padding[1]
	c.oh, c.ow = OutSize(c.h, c.kh, c.ph, c.sh), OutSize(c.wi, c.kw, c.pw, c.sw)
	c.hp, c.wp = c.h+2*c.ph, c.wi+2*c.pw
	c.k = c.ci * c.kh * c.kw
	c.batchInner = gatherLayout(c)
	if !generalGather(x.Graph().Backend()) || forcedGatherLayout() == layoutPixelRuns {
		c.batchInner, c.pixelRuns = true, true
	}
	return c
}

// generalGathers remembers generalGather's answer per backend (compute.Backend -> bool).
var generalGathers sync.Map

// generalGather reports whether backend builds a Gather whose slices cut an indexed axis (what
// GatherSlices of a run makes); ONNX Runtime's backend takes only whole trailing axes and refuses
// it while the graph is built, which the probe (a one-node graph, like interiorPad's) finds out
// once per backend.
func generalGather(backend compute.Backend) bool {
	if ok, found := generalGathers.Load(backend); found {
		return ok.(bool)
	}
	ok := builds(backend, func(g *graph.Graph) {
		x := graph.Zeros(g, shapes.Make(dtypes.Float32, 4))
		start := graph.Const(g, [][]int64{{1}})
		graph.GatherSlices(x, []int{0}, start, []int{2}, true)
	})
	generalGathers.Store(backend, ok)
	return ok
}

// gatherLayout reports whether Conv2DGather uses the batch-inner layout for these sizes,
// comparing per output row what each layout adds to the work both share (the gather of cols
// and the product), in nanoseconds measured on the pure-Go backend (bench/README.md):
//   - rows computes wp-w' wasted columns of cols per output row: k*(wp-w') elements, each
//     ~1 ns to gather and pack plus ~0.05 ns per output channel to multiply;
//   - batch inner transposes the input and the output element by element (~3 ns each):
//     c_out*w' output values and c_in*h*w/h' input values per output row.
//
// LeNet's conv1 (1->6, 28x28 padded to 32x32) wastes 4 of 32 columns and takes rows; its conv2
// (6->16, 14x14 -> 10x10) wastes 4 of 14 and takes the batch-inner layout. A batch of one
// image transposes nothing and takes the batch-inner layout.
func gatherLayout(c gatherConv) bool {
	switch forcedGatherLayout() {
	case layoutRows:
		return false
	case layoutBatchInner, layoutPixelRuns:
		return true
	}
	if c.n == 1 {
		return true
	}
	waste := float64(c.k*(c.wp-c.ow)) * (1 + 0.05*float64(c.co))
	transposes := 3 * (float64(c.co*c.ow) + float64(c.ci*c.h*c.wi)/float64(c.oh))
	return transposes < waste
}

// indexConst returns the start indices of a GatherSlices as a constant [len(v)/cols, cols]
// (int64: every backend's Gather and ScatterSum accept it).
func indexConst(g *graph.Graph, v []int64, cols int) *graph.Node {
	return graph.ConstTensor(g, tensors.FromFlatDataAndDimensions(v, len(v)/cols, cols))
}

// mulCols returns wm [c_out, k] · cols [k, m] -> [c_out, m], with gradients in the layouts the
// pure-Go backend multiplies fastest:
//   - with respect to cols, wm^T [k, c_out] · v [c_out, m], one product in the backend's direct
//     layout; GoMLX's own (the product of v and wm contracted over v's leading axis, then an
//     [m, k] -> [k, m] transpose) moves cols's size twice more, element by element;
//   - with respect to wm, v · cols^T contracted over m. The backend packs the operand it reads
//     transposed (cols, or v in the swapped product cols · v^T -> [k, c_out], transposed after)
//     with a generic loop and runs its kernel on 8-row by 32-column tiles, so kernelGradSwapped
//     picks the product with the cheaper packing and tile padding.
//
// The gradients are attached to identities on cols and wm (no copies: neither has another use
// in the forward pass), and v is recorded by an identity on the result.
func mulCols(wm, cols *graph.Node) *graph.Node {
	var v *graph.Node
	colsID := graph.IdentityWithCustomGradient(cols, func(_, _ *graph.Node) *graph.Node {
		if v == nil { // cannot happen: the result is processed before its inputs
			return graph.ZerosLike(cols)
		}
		return graph.DotGeneral(graph.Transpose(wm, 0, 1), []int{1}, nil, v, []int{0}, nil)
	})
	wmIn := wm
	if d := wm.Shape().Dimensions; kernelGradSwapped(d[0], d[1]) {
		wmIn = graph.IdentityWithCustomGradient(wm, func(_, _ *graph.Node) *graph.Node {
			if v == nil {
				return graph.ZerosLike(wm)
			}
			return graph.Transpose(graph.DotGeneral(colsID, []int{1}, nil, v, []int{1}, nil), 0, 1)
		})
	}
	y := graph.Dot(wmIn, colsID).Product()
	return graph.IdentityWithCustomGradient(y, func(_, vy *graph.Node) *graph.Node {
		v = vy
		return vy
	})
}

// kernelGradSwapped reports whether mulCols computes the gradient with respect to wm [co, k] as
// (cols · v^T)^T rather than v · cols^T. Per column of m, in nanoseconds on the pure-Go backend
// with its AVX-512 kernels (fitted to LeNet's two convolutions at batch 256, forward and backward,
// both products measured; bench/README.md): packing
// the transposed operand ~2.2 per row (k rows of cols, or co rows of v), the kernel ~0.065 per
// cell of the padded 8x32 tiles. LeNet's conv1 (co 6, k 25) keeps v · cols^T (about 10% faster);
// conv2 (co 16, k 150) swaps (forward and backward 1.5x faster).
func kernelGradSwapped(co, k int) bool {
	const pack, cell = 2.2, 0.065
	up := func(a, b int) float64 { return float64((a + b - 1) / b * b) }
	direct := pack*float64(k) + cell*up(co, 8)*up(k, 32)
	swapped := pack*float64(co) + cell*up(k, 8)*up(co, 32)
	return swapped < direct
}

// rowsConv is Conv2DGather in the rows layout (see Conv2DGather).
func (c gatherConv) rowsConv(x, w, b *graph.Node) *graph.Node {
	g := x.Graph()
	// [n, ci, h, w] -> [ci*n, h, w] (channels outer: a window offset's rows of all images are
	// then one Gather slice), padded to [ci*n, h, wp] and, flattened, to [ci, n, L] with ph
	// zero rows above and zeros after, as far as the last window reads: a run starting at
	// (row r, column j) reads the full width wp, so the last one ends kw-1 elements into the
	// row after the last padded row it uses.
	xc := graph.Reshape(x, c.n, c.ci, c.h*c.wi)
	if c.ci > 1 && c.n > 1 {
		xc = graph.TransposeAllAxes(xc, 1, 0, 2) // copies runs of h*w
	}
	xc = zeroPadAxis(graph.Reshape(xc, c.ci*c.n, c.h, c.wi), 2, c.pw, c.pw)
	lastRow := (c.oh-1)*c.sh + c.kh - 1 // in padded rows
	l := max((lastRow+1)*c.wp+c.kw-1, c.ph*c.wp+c.h*c.wp)
	xf := zeroPadAxis(graph.Reshape(xc, c.ci*c.n, c.h*c.wp), 1, c.ph*c.wp, l-(c.ph+c.h)*c.wp)
	xf = graph.Reshape(xf, c.ci, c.n, l)

	// cols [k, m]: stride 1 along the height gives one run of h'*wp per (window offset, image),
	// m ordered (image, output row, column); else one run of wp per output row, m ordered
	// (output row, image, column).
	var starts []int64
	run := c.oh * c.wp
	if c.sh > 1 {
		run = c.wp
	}
	for ch := range c.ci {
		for i := range c.kh {
			for j := range c.kw {
				if c.sh == 1 {
					starts = append(starts, int64(ch), int64(i*c.wp+j))
					continue
				}
				for oy := range c.oh {
					starts = append(starts, int64(ch), int64((oy*c.sh+i)*c.wp+j))
				}
			}
		}
	}
	cols := graph.GatherSlices(xf, []int{0, 2}, indexConst(g, starts, 2), []int{1, run}, c.sh == 1)
	m := c.n * c.oh * c.wp
	y := addRowBias(mulCols(graph.Reshape(w, c.co, c.k), graph.Reshape(cols, c.k, m)), b) // [co, m]

	// Output: for each (image, channel) the h' rows, cut to the columns windows start at
	// ((w'-1)*sw+1 of wp; every sw-th is an output).
	owp := (c.ow-1)*c.sw + 1
	y4 := graph.Reshape(y, c.co, c.n, c.oh, c.wp)
	slicedAxes := []int{0, 1, 3} // (channel, image, columns); the rows (axis 2) whole
	if c.sh > 1 {
		y4 = graph.Reshape(y, c.co, c.oh, c.n, c.wp)
		slicedAxes = []int{0, 2, 3} // the rows are axis 1
	}
	outStarts := make([]int64, 0, 3*c.n*c.co)
	for img := range c.n {
		for o := range c.co {
			outStarts = append(outStarts, int64(o), int64(img), 0)
		}
	}
	out := graph.GatherSlices(y4, slicedAxes, indexConst(g, outStarts, 3), []int{1, 1, owp}, false)
	out = graph.Reshape(out, c.n, c.co, c.oh, owp)
	if c.sw > 1 {
		out = graph.Slice(out, graph.AxisRange(), graph.AxisRange(), graph.AxisRange(), graph.AxisRange().Stride(c.sw))
	}
	return out
}

// batchInnerConv is Conv2DGather in the batch-inner layout (see Conv2DGather).
func (c gatherConv) batchInnerConv(x, w, b *graph.Node) *graph.Node {
	g := x.Graph()
	xt := graph.Reshape(x, c.n, c.ci*c.h*c.wi)
	if c.n > 1 {
		xt = graph.Transpose(xt, 0, 1) // one 2-D transpose
	}
	xt = graph.Reshape(xt, c.ci, c.h, c.wi, c.n)
	xt = zeroPadAxis(zeroPadAxis(xt, 2, c.pw, c.pw), 1, c.ph, c.ph) // [ci, hp, wp, n]

	// cols [k, h'*w'*n]: stride 1 along the width gives one run of w'*n per (window offset,
	// output row), else (and on backends without general Gathers) one run of n per output pixel.
	var starts []int64
	wholeRows := c.sw == 1 && !c.pixelRuns
	for ch := range c.ci {
		for i := range c.kh {
			for j := range c.kw {
				for oy := range c.oh {
					pixel := (ch*c.hp+oy*c.sh+i)*c.wp + j
					if wholeRows {
						starts = append(starts, int64(pixel*c.n))
						continue
					}
					for ox := range c.ow {
						starts = append(starts, int64(pixel+ox*c.sw))
					}
				}
			}
		}
	}
	var cols *graph.Node
	if wholeRows {
		flat := graph.Reshape(xt, c.ci*c.hp*c.wp*c.n)
		cols = graph.GatherSlices(flat, []int{0}, indexConst(g, starts, 1), []int{c.ow * c.n}, false)
	} else {
		cols = graph.Gather(graph.Reshape(xt, c.ci*c.hp*c.wp, c.n), indexConst(g, starts, 1), false)
	}
	p := c.oh * c.ow
	y := addRowBias(mulCols(graph.Reshape(w, c.co, c.k), graph.Reshape(cols, c.k, p*c.n)), b) // [co, p*n]
	if c.n > 1 {
		y = graph.Transpose(graph.Reshape(y, c.co*p, c.n), 0, 1) // one 2-D transpose
	}
	return graph.Reshape(y, c.n, c.co, c.oh, c.ow)
}
