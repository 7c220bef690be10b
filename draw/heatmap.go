package draw

import (
	"bytes"
	"encoding/base64"
	"fmt"
	"image"
	"image/color"
	"image/png"
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
// its own scale, printed under it as "min … max".
//
// Options: Title (above everything), Labels (one per map), CellSize, Scale.
// The figure has an SVG form (titles, scales) and a PNG form (the maps only).
func HeatMap(m any, opts ...Option) *Figure {
	const fn = "draw.HeatMap"
	maps := toArray(fn, "m", m, 2).matrices(fn, "m", 2, 3)
	c := newConfig(opts)
	if c.scale != nil && !(c.scale[1] > c.scale[0]) {
		failf("%s: argument Scale: got (%g, %g), want lo < hi", fn, c.scale[0], c.scale[1])
	}
	if len(c.labels) > 0 && len(c.labels) != len(maps) {
		failf("%s: argument Labels: got %d labels, want %d (one per map)", fn, len(c.labels), len(maps))
	}
	h, w := len(maps[0]), len(maps[0][0])
	cell := c.cell
	if cell <= 0 {
		cell = 200 / max(h, w)
		cell = min(max(cell, 3), 40)
	}
	imgs := make([]*image.RGBA, len(maps))
	encoded := make([]string, len(maps))
	lo, hi := make([]float64, len(maps)), make([]float64, len(maps))
	for n, mat := range maps {
		imgs[n], lo[n], hi[n] = paint(mat, cell, c.scale)
		var buf bytes.Buffer
		if err := png.Encode(&buf, imgs[n]); err != nil {
			failf("%s: encoding PNG: %v", fn, err)
		}
		encoded[n] = base64.StdEncoding.EncodeToString(buf.Bytes())
	}

	// SVG: title, then rows of maps with their label above and scale below.
	const margin, gap = 12.0, 18.0
	iw, ih := float64(w*cell), float64(h*cell)
	colW := math.Max(iw, 90)
	b := &svgBuilder{}
	top := b.heading(margin, c.title)
	showLabels := len(maps) > 1 || len(c.labels) > 0
	for n := range maps {
		row, col := n/perRow, n%perRow
		x := margin + float64(col)*(colW+gap)
		y := top + float64(row)*(ih+58)
		if showLabels {
			label := strconv.Itoa(n)
			if len(c.labels) > 0 {
				label = c.labels[n]
			}
			b.text(x+iw/2, y+8, 14, colText, "middle", label)
		}
		y += 20
		b.raw(fmt.Sprintf(`<image x="%g" y="%g" width="%g" height="%g" href="data:image/png;base64,%s"/>`+"\n", x, y, iw, ih, encoded[n]))
		b.raw(fmt.Sprintf(`<rect x="%g" y="%g" width="%g" height="%g" fill="none" stroke="%s" stroke-width="1"/>`+"\n", x, y, iw, ih, colStroke))
		b.extend(x+iw, y+ih)
		b.text(x+iw/2, y+ih+14, 12, "#555555", "middle", fmtNum(lo[n])+" … "+fmtNum(hi[n]))
	}
	desc := fmt.Sprintf("%s: %d map(s) of %d×%d", fn, len(maps), h, w)
	if c.title != "" {
		desc += ", " + c.title
	}

	// PNG: the maps only, in the same arrangement.
	cols := min(len(maps), perRow)
	rows := (len(maps) + perRow - 1) / perRow
	const pgap = 8
	all := image.NewRGBA(image.Rect(0, 0, cols*(w*cell+pgap)-pgap, rows*(h*cell+pgap)-pgap))
	for i := range all.Pix {
		all.Pix[i] = 255
	}
	for n, img := range imgs {
		off := image.Pt((n%perRow)*(w*cell+pgap), (n/perRow)*(h*cell+pgap))
		for y := 0; y < h*cell; y++ {
			for x := 0; x < w*cell; x++ {
				all.Set(off.X+x, off.Y+y, img.At(x, y))
			}
		}
	}
	var buf bytes.Buffer
	if err := png.Encode(&buf, all); err != nil {
		failf("%s: encoding PNG: %v", fn, err)
	}
	return &Figure{name: "heatmap", svg: b.doc(desc), png: buf.Bytes(), text: desc}
}

// paint renders one matrix with cell×cell pixels per element and returns the
// image with the smallest and largest value.
// A fixed scale [lo, hi] replaces the matrix's own range for the colours.
func paint(m [][]float64, cell int, fixed *[2]float64) (*image.RGBA, float64, float64) {
	lo, hi := math.Inf(1), math.Inf(-1)
	for _, row := range m {
		for _, v := range row {
			lo, hi = math.Min(lo, v), math.Max(hi, v)
		}
	}
	clo, chi := lo, hi
	if fixed != nil {
		clo, chi = fixed[0], fixed[1]
	}
	grey := clo >= 0 && chi > clo
	scale := math.Max(math.Abs(clo), math.Abs(chi))
	if scale == 0 || math.IsNaN(scale) || math.IsInf(scale, 0) {
		scale = 1
	}
	h, w := len(m), len(m[0])
	img := image.NewRGBA(image.Rect(0, 0, w*cell, h*cell))
	lines := cell >= 8
	for i, row := range m {
		for j, v := range row {
			var col color.RGBA
			if grey {
				t := math.Max(0, math.Min(1, (v-clo)/(chi-clo)))
				g := uint8(math.Round(255 * t))
				col = color.RGBA{g, g, g, 255}
			} else {
				col = diverging(v / scale)
			}
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
	return img, lo, hi
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
