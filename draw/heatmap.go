package draw

import (
	"fmt"
	"image"
	"image/color"
	"math"
	"strconv"
)

// perRow is how many maps a heat map puts side by side before wrapping.
const perRow = 8

// HeatMap draws a matrix m [h, w] as an image, one square per element, or a
// stack of matrices m [c, h, w] as c images side by side (wrapping after 8),
// such as the feature maps of a layer. m may be nested slices of numbers or a
// tensor; leading dimensions of size 1 are dropped, so [1, c, h, w] is fine.
//
// Colours: when every value is >= 0 and they are not all equal, grey levels
// from black (the smallest value) to white (the largest), as for a black and
// white image; otherwise a diverging scale with white at 0, red for positive
// and blue for negative values, scaled by the largest |value|. Each map has
// its own scale, drawn under it as a colour bar with its two ends written out
// ("全为 v" when every value is v). Its words are Chinese, as the notebooks' prose.
//
// Options: Title (above everything), Labels (one per map), CellSize, Scale
// (a fixed colour range; the map's own min and max are then written under the bar).
func HeatMap(m any, opts ...Option) *Figure {
	const fn = "draw.HeatMap"
	maps := toArray(fn, "m", m, 2).matrices(fn, "m", 2, 3)
	c := newConfig(opts)
	if c.scale != nil && !(c.scale[1] > c.scale[0]) {
		fail(fn, "Scale", "lo < hi", "(%g, %g)", c.scale[0], c.scale[1])
	}
	if len(c.labels) > 0 && len(c.labels) != len(maps) {
		fail(fn, "Labels", fmt.Sprintf("%d (one per map)", len(maps)), "%d labels", len(c.labels))
	}
	h, w := len(maps[0]), len(maps[0][0])
	cell := c.cell
	if cell <= 0 {
		cell = 200 / max(h, w)
		cell = min(max(cell, 3), 40)
	}
	imgs := make([]*image.RGBA, len(maps))
	scales := make([]colourScale, len(maps))
	for n, mat := range maps {
		scales[n] = newColourScale(mat, c.scale)
		imgs[n] = paint(mat, cell, scales[n])
	}

	// Title, then rows of maps with their label above and the colour bar below.
	const margin, gap = 12.0, 18.0
	iw, ih := float64(w*cell), float64(h*cell)
	colW := math.Max(iw, 90)
	b := &canvas{}
	top := b.heading(margin, c.title)
	showLabels := len(maps) > 1 || len(c.labels) > 0
	for n := range maps {
		row, col := n/perRow, n%perRow
		x := margin + float64(col)*(colW+gap)
		y := top + float64(row)*(ih+80)
		if showLabels {
			label := strconv.Itoa(n)
			if len(c.labels) > 0 {
				label = c.labels[n]
			}
			b.text(x+iw/2, y+8, 14, colText, "middle", label)
		}
		y += 20
		b.image(x, y, iw, ih, imgs[n])
		b.frame(x, y, iw, ih, colStroke, 1)
		scales[n].bar(b, x, y+ih+8, math.Max(iw, 90))
	}
	desc := fmt.Sprintf("%s: %d map(s) of %d×%d", fn, len(maps), h, w)
	if c.title != "" {
		desc += ", " + c.title
	}
	return newFigure("heatmap", b, desc)
}

// colourScale maps a matrix's values to colours: grey levels from black (lo) to white (hi)
// when every value of the range is >= 0 and they are not all equal, else a diverging scale
// with white at 0, scaled by the largest |value|. lo and hi are the matrix's own extremes;
// the colours follow the fixed range of the Scale option when one is given.
type colourScale struct {
	lo, hi   float64 // the matrix's smallest and largest value
	clo, chi float64 // the range the colours span
	grey     bool
	scale    float64 // the largest |value| of the colour range, for the diverging scale
}

func newColourScale(m [][]float64, fixed *[2]float64) colourScale {
	s := colourScale{lo: math.Inf(1), hi: math.Inf(-1)}
	for _, row := range m {
		for _, v := range row {
			s.lo, s.hi = math.Min(s.lo, v), math.Max(s.hi, v)
		}
	}
	s.clo, s.chi = s.lo, s.hi
	if fixed != nil {
		s.clo, s.chi = fixed[0], fixed[1]
	}
	s.grey = s.clo >= 0 && s.chi > s.clo
	s.scale = math.Max(math.Abs(s.clo), math.Abs(s.chi))
	if s.scale == 0 || math.IsNaN(s.scale) || math.IsInf(s.scale, 0) {
		s.scale = 1
	}
	return s
}

// colour of the value v.
func (s colourScale) colour(v float64) color.RGBA {
	if s.grey {
		t := math.Max(0, math.Min(1, (v-s.clo)/(s.chi-s.clo)))
		g := uint8(math.Round(255 * t))
		return color.RGBA{g, g, g, 255}
	}
	return diverging(v / s.scale)
}

// bar draws the colour bar of the scale at (x, y), w wide: a strip running through the
// colours of the colour range, with its two ends written under it, and the matrix's own
// range ("最小 …" and "最大 …", one per line) when it differs from the colour range.
func (s colourScale) bar(b *canvas, x, y, w float64) {
	const steps = 64
	strip := image.NewRGBA(image.Rect(0, 0, steps, 1))
	for i := range steps {
		strip.SetRGBA(i, 0, s.colour(s.clo+(s.chi-s.clo)*(float64(i)+0.5)/steps))
	}
	b.group("colour-bar", func() {
		if s.chi > s.clo {
			b.image(x, y, w, 8, strip)
			b.frame(x, y, w, 8, colStroke, 0.5)
			b.text(x, y+17, 11, "#555555", "start", fmtNum(s.clo))
			b.text(x+w, y+17, 11, "#555555", "end", fmtNum(s.chi))
		}
		below := y + 8 // under the map when there is no bar
		if s.chi > s.clo {
			below = y + 31
		}
		switch {
		case s.lo == s.hi:
			b.text(x+w/2, below, 11, "#555555", "middle", "全为 "+fmtNum(s.lo))
		case s.lo != s.clo || s.hi != s.chi: // two lines, so that neighbouring maps' captions never overlap
			b.text(x+w/2, below, 11, "#555555", "middle", "最小 "+fmtNum(s.lo))
			b.text(x+w/2, below+13, 11, "#555555", "middle", "最大 "+fmtNum(s.hi))
		}
	})
}

// paint renders one matrix with cell×cell pixels per element in the colours of s.
func paint(m [][]float64, cell int, s colourScale) *image.RGBA {
	h, w := len(m), len(m[0])
	img := image.NewRGBA(image.Rect(0, 0, w*cell, h*cell))
	lines := cell >= 8
	for i, row := range m {
		for j, v := range row {
			col := s.colour(v)
			for y := i * cell; y < (i+1)*cell; y++ {
				for x := j * cell; x < (j+1)*cell; x++ {
					if lines && (y == i*cell || x == j*cell) {
						img.Set(x, y, color.RGBA{170, 170, 170, 255})
						continue
					}
					img.Set(x, y, col)
				}
			}
		}
	}
	return img
}

// diverging maps t in [-1, 1] to blue (-1), white (0), red (+1).
func diverging(t float64) color.RGBA {
	if math.IsNaN(t) {
		return color.RGBA{255, 0, 255, 255}
	}
	t = math.Max(-1, math.Min(1, t))
	end := [3]float64{178, 24, 43} // red
	if t < 0 {
		end = [3]float64{33, 102, 172} // blue
		t = -t
	}
	mix := func(e float64) uint8 { return uint8(math.Round(255 + (e-255)*t)) }
	return color.RGBA{mix(end[0]), mix(end[1]), mix(end[2]), 255}
}
