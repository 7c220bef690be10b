package draw

import (
	"fmt"
	"math"
	"strings"
	"unicode/utf8"
)

// Corr2D draws the cross-correlation of one input matrix x [h, w] with one
// kernel k [kh, kw]: the (padded) input, the kernel, the output, the
// highlighted window and its sum written out, as in the book's figures 6.2.1,
// 6.3.1 (with Padding) and 6.3.2 (with Padding and Stride). The output has
// shape [⌊(h+2ph−kh)/sh⌋+1, ⌊(w+2pw−kw)/sw⌋+1] and is computed here.
//
// Options: Padding, Stride, Highlight, Title, Labels, CellSize.
func Corr2D(x, k any, opts ...Option) *Figure {
	const fn = "draw.Corr2D"
	X := toArray(fn, "x", x, 2).matrices(fn, "x", 2)
	K := toArray(fn, "k", k, 2).matrices(fn, "k", 2)
	return convFigure(fn, "corr2d", X, [][][][]float64{K}, newConfig(opts))
}

// Corr2DMultiIn draws the cross-correlation of an input with several channels,
// x [ci, h, w], with a kernel k [ci, kh, kw]: one row per channel, the
// per-channel results summed into one output [h', w'] (the book's figure
// 6.4.1). Options as for Corr2D.
func Corr2DMultiIn(x, k any, opts ...Option) *Figure {
	const fn = "draw.Corr2DMultiIn"
	X := toArray(fn, "x", x, 3).matrices(fn, "x", 3)
	K := toArray(fn, "k", k, 3).matrices(fn, "k", 3)
	return convFigure(fn, "corr2d-multi-in", X, [][][][]float64{K}, newConfig(opts))
}

// Corr2DMultiInOut draws a convolution with several input and output channels:
// x [ci, h, w], k [co, ci, kh, kw], output [co, h', w']. The kernels are drawn
// in a table, one column per output channel and one row per input channel.
// With kh = kw = 1 this is the book's figure 6.4.2 (the 1×1 convolution).
// Highlight(o, i, j) picks the output channel o. Options as for Corr2D.
func Corr2DMultiInOut(x, k any, opts ...Option) *Figure {
	const fn = "draw.Corr2DMultiInOut"
	X := toArray(fn, "x", x, 3).matrices(fn, "x", 3)
	ka := toArray(fn, "k", k, 4)
	if len(ka.dims) != 4 {
		fail(fn, "k", "rank 4 [co, ci, kh, kw]", "shape %v (rank %d)", ka.dims, len(ka.dims))
	}
	co := ka.dims[0]
	flat := array{dims: ka.dims[1:], data: ka.data}
	all := flat.matricesN(co)
	return convFigure(fn, "corr2d-multi-in-out", X, all, newConfig(opts))
}

// matricesN splits a rank-4 array (with dims[1:] kept in a.dims) into n
// groups of [ci][kh][kw] matrices.
func (a array) matricesN(n int) [][][][]float64 {
	per := len(a.data) / n
	out := make([][][][]float64, n)
	for o := range out {
		out[o] = array{dims: a.dims, data: a.data[o*per : (o+1)*per]}.matrices("", "", 3)
	}
	return out
}

// pad returns m with p[0] zero rows above and below and p[1] zero columns on
// each side.
func pad(m [][]float64, p [2]int) [][]float64 {
	h, w := len(m), len(m[0])
	out := make([][]float64, h+2*p[0])
	for i := range out {
		out[i] = make([]float64, w+2*p[1])
		if i >= p[0] && i < p[0]+h {
			copy(out[i][p[1]:], m[i-p[0]])
		}
	}
	return out
}

func checkPadStride(fn string, c *config) {
	if c.padding[0] < 0 || c.padding[1] < 0 {
		fail(fn, "Padding", "both >= 0", "(%d, %d)", c.padding[0], c.padding[1])
	}
	if c.stride[0] < 1 || c.stride[1] < 1 {
		fail(fn, "Stride", "both >= 1", "(%d, %d)", c.stride[0], c.stride[1])
	}
}

// outSize is PyTorch's output length: ⌊(n + 2p − k)/s⌋ + 1.
func outSize(n, k, p, s int) int { return (n+2*p-k)/s + 1 }

// convFigure draws X [ci][h][w] correlated with K [co][ci][kh][kw].
func convFigure(fn, name string, X [][][]float64, K [][][][]float64, c *config) *Figure {
	checkPadStride(fn, c)
	ci, co := len(X), len(K)
	h, w := len(X[0]), len(X[0][0])
	if len(K[0]) != ci {
		fail(fn, "k", fmt.Sprintf("%d (the channels of x)", ci), "%d input channels", len(K[0]))
	}
	kh, kw := len(K[0][0]), len(K[0][0][0])
	hp, wp := h+2*c.padding[0], w+2*c.padding[1]
	if kh > hp || kw > wp {
		fail(fn, "k", fmt.Sprintf("at most the padded input %d×%d", hp, wp), "a %d×%d kernel", kh, kw)
	}
	oh, ow := outSize(h, kh, c.padding[0], c.stride[0]), outSize(w, kw, c.padding[1], c.stride[1])
	Xp := make([][][]float64, ci)
	for i := range X {
		Xp[i] = pad(X[i], c.padding)
	}
	// The output, by the definition of cross-correlation.
	Y := make([][][]float64, co)
	for o := range Y {
		Y[o] = make([][]float64, oh)
		for i := range Y[o] {
			Y[o][i] = make([]float64, ow)
			for j := range Y[o][i] {
				s := 0.0
				for ch := 0; ch < ci; ch++ {
					for a := 0; a < kh; a++ {
						for b := 0; b < kw; b++ {
							s += Xp[ch][i*c.stride[0]+a][j*c.stride[1]+b] * K[o][ch][a][b]
						}
					}
				}
				Y[o][i][j] = s
			}
		}
	}
	hl := c.highlight
	if len(hl) == 0 {
		hl = [][3]int{{0, 0, 0}}
	}
	for _, p := range hl {
		if p[0] < 0 || p[0] >= co || p[1] < 0 || p[1] >= oh || p[2] < 0 || p[2] >= ow {
			fail(fn, "Highlight", fmt.Sprintf("an output element within [%d, %d, %d]", co, oh, ow), "(%d, %d, %d)", p[0], p[1], p[2])
		}
	}

	// Colours of every cell: fills[ch][i][j] for the padded inputs, kernel
	// fills per output channel, output fills per output channel.
	inFill := make([][][]string, ci)
	for ch := range inFill {
		inFill[ch] = cellFills(hp, wp, func(i, j int) bool {
			return i < c.padding[0] || i >= c.padding[0]+h || j < c.padding[1] || j >= c.padding[1]+w
		})
	}
	kFill := make([]string, co)
	outFill := make([][][]string, co)
	for o := range outFill {
		outFill[o] = cellFills(oh, ow, nil)
	}
	var sums []string
	for n, p := range hl {
		col := palette[n%len(palette)]
		o, i, j := p[0], p[1], p[2]
		for ch := 0; ch < ci; ch++ {
			for a := 0; a < kh; a++ {
				for b := 0; b < kw; b++ {
					if r, q := i*c.stride[0]+a, j*c.stride[1]+b; !highlighted(inFill[ch][r][q]) {
						inFill[ch][r][q] = col
					}
				}
			}
		}
		if kFill[o] == "" {
			kFill[o] = col
		}
		outFill[o][i][j] = col
		// The sum written out, channel by channel.
		var parts []string
		for ch := 0; ch < ci; ch++ {
			var terms []string
			for a := 0; a < kh; a++ {
				for b := 0; b < kw; b++ {
					terms = append(terms, fmtFactor(Xp[ch][i*c.stride[0]+a][j*c.stride[1]+b])+"×"+fmtFactor(K[o][ch][a][b]))
				}
			}
			part := strings.Join(terms, " + ")
			if ci > 1 && len(terms) > 1 {
				part = "(" + part + ")"
			}
			parts = append(parts, part)
		}
		sums = append(sums, strings.Join(parts, " + ")+" = "+fmtNum(Y[o][i][j]))
	}

	labels := labelsOr(c.labels, "输入", "核", "输出")
	const margin, opW, vgap, kgap = 12.0, 44.0, 14.0, 10.0
	cell := c.fitCell(float64(wp+co*kw+ow), 2*margin+2*opW+float64(co-1)*kgap)
	b := &canvas{}
	top := b.heading(margin, c.title)
	gridTop := top + 26
	// Row heights: one row per input channel, as tall as the input or kernel.
	rowH := math.Max(float64(hp), float64(kh)) * cell
	xIn := margin
	xK := xIn + float64(wp)*cell + opW
	kColW := float64(co*kw)*cell + float64(co-1)*kgap
	xOut := xK + kColW + opW
	inColH := float64(ci)*rowH + float64(ci-1)*vgap
	outColH := float64(co*oh)*cell + float64(co-1)*vgap
	bodyH := math.Max(inColH, outColH)

	b.text(xIn+float64(wp)*cell/2, top+8, 15, colText, "middle", labels[0])
	b.text(xK+kColW/2, top+8, 15, colText, "middle", labels[1])
	b.text(xOut+float64(ow)*cell/2, top+8, 15, colText, "middle", labels[len(labels)-1])
	inTop := gridTop + (bodyH-inColH)/2
	for ch := 0; ch < ci; ch++ {
		y := inTop + float64(ch)*(rowH+vgap)
		gy := y + (rowH-float64(hp)*cell)/2
		drawGrid(b, "input", xIn, gy, cell, Xp[ch], inFill[ch], func(i, j int) bool {
			return i < c.padding[0] || i >= c.padding[0]+h || j < c.padding[1] || j >= c.padding[1]+w
		})
		drawWindows(b, xIn, gy, cell, hl, c.stride, [2]int{kh, kw})
		b.text(xK-opW/2, y+rowH/2, 30, colText, "middle", "⋆")
		for o := 0; o < co; o++ {
			fill := cellFills(kh, kw, nil)
			if kFill[o] != "" {
				fill = solidFills(kh, kw, kFill[o])
			}
			drawGrid(b, "kernel", xK+float64(o)*(float64(kw)*cell+kgap), y+(rowH-float64(kh)*cell)/2, cell, K[o][ch], fill, nil)
		}
	}
	b.text(xOut-opW/2, gridTop+bodyH/2, 22, colText, "middle", "=")
	outTop := gridTop + (bodyH-outColH)/2
	for o := 0; o < co; o++ {
		drawGrid(b, "output", xOut, outTop+float64(o)*(float64(oh)*cell+vgap), cell, Y[o], outFill[o], nil)
	}
	drawSums(b, margin, gridTop+bodyH+24, sums)
	desc := fmt.Sprintf("%s: input %d×%d×%d, kernel %d×%d×%d×%d, padding (%d, %d), stride (%d, %d); %s",
		fn, ci, h, w, co, ci, kh, kw, c.padding[0], c.padding[1], c.stride[0], c.stride[1], strings.Join(sums, "; "))
	return newFigure(name, b, desc)
}

// Pool2D draws pooling of x [h, w] with a window [ph, pw] and mode "max" or
// "avg": the input, the output, the highlighted window and its maximum or
// mean written out, as in the book's figure 6.5.1; the arrow between input and
// output is labelled "最大汇聚 ph×pw" or "平均汇聚 ph×pw". As the book's pool2d the
// stride is 1 by default; pass Stride(ph, pw) for nn.MaxPool2d's default.
// With Padding, max pooling never picks a padded cell and average pooling
// counts the padded zeros (PyTorch's rules).
//
// Options: Padding, Stride, Highlight, Title, Labels, CellSize.
func Pool2D(x any, window [2]int, mode string, opts ...Option) *Figure {
	const fn = "draw.Pool2D"
	X := toArray(fn, "x", x, 2).matrices(fn, "x", 2)[0]
	c := newConfig(opts)
	checkPadStride(fn, c)
	if mode != "max" && mode != "avg" {
		fail(fn, "mode", "\"max\" or \"avg\"", "%q", mode)
	}
	h, w := len(X), len(X[0])
	hp, wp := h+2*c.padding[0], w+2*c.padding[1]
	if window[0] < 1 || window[1] < 1 || window[0] > hp || window[1] > wp {
		fail(fn, "window", fmt.Sprintf("between [1 1] and the padded input [%d %d]", hp, wp), "%v", window)
	}
	isPad := func(i, j int) bool {
		return i < c.padding[0] || i >= c.padding[0]+h || j < c.padding[1] || j >= c.padding[1]+w
	}
	Xp := pad(X, c.padding)
	if mode == "max" {
		// Max pooling pads with -∞ (PyTorch): the padding never wins.
		for i := range Xp {
			for j := range Xp[i] {
				if isPad(i, j) {
					Xp[i][j] = math.Inf(-1)
				}
			}
		}
	}
	oh, ow := outSize(h, window[0], c.padding[0], c.stride[0]), outSize(w, window[1], c.padding[1], c.stride[1])
	Y := make([][]float64, oh)
	for i := range Y {
		Y[i] = make([]float64, ow)
		for j := range Y[i] {
			Y[i][j] = poolValue(Xp, isPad, i*c.stride[0], j*c.stride[1], window, mode)
		}
	}
	hl := c.highlight
	if len(hl) == 0 {
		hl = [][3]int{{0, 0, 0}}
	}
	inFill := cellFills(hp, wp, isPad)
	outFill := cellFills(oh, ow, nil)
	var sums []string
	for n, p := range hl {
		i, j := p[1], p[2]
		if p[0] != 0 || i < 0 || i >= oh || j < 0 || j >= ow {
			fail(fn, "Highlight", fmt.Sprintf("an output element within [1, %d, %d]", oh, ow), "(%d, %d, %d)", p[0], i, j)
		}
		col := palette[n%len(palette)]
		var vals []string
		for a := 0; a < window[0]; a++ {
			for bb := 0; bb < window[1]; bb++ {
				r, s := i*c.stride[0]+a, j*c.stride[1]+bb
				if !highlighted(inFill[r][s]) {
					inFill[r][s] = col
				}
				if mode == "max" && isPad(r, s) {
					continue
				}
				vals = append(vals, fmtNum(Xp[r][s]))
			}
		}
		outFill[i][j] = col
		if mode == "max" {
			sums = append(sums, "max("+strings.Join(vals, ", ")+") = "+fmtNum(Y[i][j]))
		} else {
			sums = append(sums, fmt.Sprintf("(%s) / %d = %s", strings.Join(vals, " + "), len(vals), fmtNum(Y[i][j])))
		}
	}

	labels := labelsOr(c.labels, "输入", "输出")
	const margin = 12.0
	opW := 112.0
	cell := c.fitCell(float64(wp+ow), 2*margin+opW)
	b := &canvas{}
	top := b.heading(margin, c.title)
	gridTop := top + 26
	bodyH := math.Max(float64(hp), float64(oh)) * cell
	xIn := margin
	xOut := xIn + float64(wp)*cell + opW
	b.text(xIn+float64(wp)*cell/2, top+8, 15, colText, "middle", labels[0])
	b.text(xOut+float64(ow)*cell/2, top+8, 15, colText, "middle", labels[len(labels)-1])
	drawGrid(b, "input", xIn, gridTop+(bodyH-float64(hp)*cell)/2, cell, Xp, inFill, isPad)
	drawWindows(b, xIn, gridTop+(bodyH-float64(hp)*cell)/2, cell, hl, c.stride, window)
	op := fmt.Sprintf("%s %d×%d", map[string]string{"max": "最大汇聚", "avg": "平均汇聚"}[mode], window[0], window[1])
	b.text(xOut-opW/2, gridTop+bodyH/2-14, 14, colText, "middle", op)
	b.text(xOut-opW/2, gridTop+bodyH/2+8, 22, colText, "middle", "→")
	drawGrid(b, "output", xOut, gridTop+(bodyH-float64(oh)*cell)/2, cell, Y, outFill, nil)
	drawSums(b, margin, gridTop+bodyH+24, sums)
	desc := fmt.Sprintf("%s: %s pooling %d×%d of a %d×%d input, padding (%d, %d), stride (%d, %d); %s",
		fn, mode, window[0], window[1], h, w, c.padding[0], c.padding[1], c.stride[0], c.stride[1], strings.Join(sums, "; "))
	return newFigure("pool2d-"+mode, b, desc)
}

// poolValue is the max (padding never wins) or the mean (padding counts as 0)
// of the window whose top-left corner is (r, s) in the padded input.
func poolValue(Xp [][]float64, isPad func(i, j int) bool, r, s int, window [2]int, mode string) float64 {
	best, sum := math.Inf(-1), 0.0
	for a := 0; a < window[0]; a++ {
		for b := 0; b < window[1]; b++ {
			v := Xp[r+a][s+b]
			if isPad(r+a, s+b) {
				continue // -∞ for max, 0 for avg
			}
			sum += v
			if v > best {
				best = v
			}
		}
	}
	if mode == "max" {
		return best
	}
	return sum / float64(window[0]*window[1])
}

// cellFills returns an h×w table of fills: shaded where isPad says so, white
// elsewhere.
func cellFills(h, w int, isPad func(i, j int) bool) [][]string {
	f := make([][]string, h)
	for i := range f {
		f[i] = make([]string, w)
		for j := range f[i] {
			f[i][j] = "white"
			if isPad != nil && isPad(i, j) {
				f[i][j] = colPadFill
			}
		}
	}
	return f
}

func solidFills(h, w int, col string) [][]string {
	f := cellFills(h, w, nil)
	for i := range f {
		for j := range f[i] {
			f[i][j] = col
		}
	}
	return f
}

// drawGrid draws matrix m with its top-left corner at (x, y). Cells for which
// isPad is true get grey numbers.
// The cells are grouped in <g data-role="role">.
func drawGrid(b *canvas, role string, x, y, cell float64, m [][]float64, fills [][]string, isPad func(i, j int) bool) {
	b.group(role, func() { drawCells(b, x, y, cell, m, fills, isPad) })
}

// minNumberSize is the smallest font a grid's numbers are written in: cells too small for it
// (a big input drawn small to fit the page) show their colours only.
const minNumberSize = 9

// drawCells draws the cells of drawGrid.
func drawCells(b *canvas, x, y, cell float64, m [][]float64, fills [][]string, isPad func(i, j int) bool) {
	// Shrink the font when the longest number would not fit in a cell.
	longest := 1
	for _, row := range m {
		for _, v := range row {
			longest = max(longest, utf8.RuneCountInString(fmtNum(v)))
		}
	}
	size := int(math.Round(math.Min(cell*0.42, cell*0.85/(0.6*float64(longest)))))
	for i, row := range m {
		for j, v := range row {
			cx, cy := x+float64(j)*cell, y+float64(i)*cell
			b.rect(cx, cy, cell, cell, fills[i][j])
			if size < minNumberSize {
				continue
			}
			col := colText
			if isPad != nil && isPad(i, j) {
				col = colPadText
			}
			b.text(cx+cell/2, cy+cell/2, size, col, "middle", fmtNum(v))
		}
	}
}

func labelsOr(given []string, def ...string) []string {
	if len(given) == 0 {
		return def
	}
	return given
}

// drawSums writes the highlighted sums one per line, each after a square of
// its colour, in <g data-role="sum">.
func drawSums(b *canvas, x, y float64, sums []string) {
	b.group("sum", func() {
		for n, s := range sums {
			b.rect(x, y-6, 12, 12, palette[n%len(palette)])
			b.text(x+20, y, 15, paletteText[n%len(paletteText)], "start", s)
			y += 24
		}
	})
}

// highlighted reports whether a cell fill is one of the highlight colours.
func highlighted(fill string) bool {
	for _, p := range palette {
		if fill == p {
			return true
		}
	}
	return false
}

// drawWindows outlines the input window of each highlighted output when there
// are several, in the sum's colour, so that overlapping windows stay visible
// (a cell's fill shows only the first window that covers it).
func drawWindows(b *canvas, x, y, cell float64, hl [][3]int, stride, window [2]int) {
	if len(hl) < 2 {
		return
	}
	for n, p := range hl {
		inset := 2 + 2*float64(n%3)
		wx := x + float64(p[2]*stride[1])*cell + inset
		wy := y + float64(p[1]*stride[0])*cell + inset
		b.frame(wx, wy, float64(window[1])*cell-2*inset, float64(window[0])*cell-2*inset, paletteText[n%len(paletteText)], 2.5)
	}
}
