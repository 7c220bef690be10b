package draw

import (
	"fmt"
	"math"
	"strings"
)

// Series is one line of a LinePlot: the points (X[i], Y[i]), named Name in the legend.
type Series struct {
	Name string
	X, Y []float64
}

// plot geometry (CSS pixels).
const (
	plotW, plotH                             = 360.0, 250.0
	plotLeft, plotRight, plotTop, plotBottom = 48.0, 110.0, 12.0, 40.0
)

var seriesColors = []string{"#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#8c564b"}
var seriesDashes = [][]float64{nil, {6, 3}, {2, 3}, {8, 3, 2, 3}, nil, nil}

// LinePlot draws series as lines against x, as the book's d2l.plot and d2l.Animator do: x over
// xlim (widened to include every point), y over [0, the largest y rounded up to 0.5, at least 1],
// with a grid, the x axis labelled xlabel, and a legend of the series' names. Infinite and NaN
// points are left out. A series with a single point is drawn as a dot.
func LinePlot(xlabel string, xlim [2]float64, series ...Series) *Figure {
	const fn = "draw.LinePlot"
	for i, s := range series {
		if len(s.X) != len(s.Y) {
			fail(fn, fmt.Sprintf("series[%d]", i), "as many of each", "%d x and %d y values", len(s.X), len(s.Y))
		}
	}
	finite := func(v float64) bool { return !math.IsInf(v, 0) && !math.IsNaN(v) }
	yMax := 1.0
	x0, x1 := xlim[0], xlim[1]
	for _, s := range series {
		for k, y := range s.Y {
			if !finite(y) || !finite(s.X[k]) {
				continue
			}
			yMax = math.Max(yMax, y)
			if s.X[k] < x0 {
				x0 = math.Floor(s.X[k])
			}
			x1 = math.Max(x1, s.X[k])
		}
	}
	yMax = math.Ceil(yMax*2) / 2
	if !(x1 > x0) {
		x1 = x0 + 1
	}
	innerW, innerH := plotW-plotLeft-plotRight, plotH-plotTop-plotBottom
	px := func(x float64) float64 { return plotLeft + (x-x0)/(x1-x0)*innerW }
	py := func(y float64) float64 { return plotTop + (1-y/yMax)*innerH }

	b := &canvas{}
	// A white background that also fixes the figure's size to plotW × plotH (size() adds
	// the 12-pixel margin).
	b.fillRect(0, 0, plotW-12, plotH-12, "#ffffff")
	b.group("grid", func() {
		for i := 0; i <= 5; i++ {
			y := yMax * float64(i) / 5
			b.line(plotLeft, py(y), plotLeft+innerW, py(y), "#dddddd", 1)
			b.text(plotLeft-4, py(y), 11, colText, "end", fmt.Sprintf("%.1f", y))
		}
		step := tickStep(x0, x1, innerW)
		for x := x0; x <= x1+1e-9; x += step {
			b.line(px(x), plotTop, px(x), plotTop+innerH, "#dddddd", 1)
			b.text(px(x), plotTop+innerH+11, 11, colText, "middle", fmtNum(x))
		}
		b.frame(plotLeft, plotTop, innerW, innerH, "#333333", 1)
		b.text(plotLeft+innerW/2, plotH-16, 11, colText, "middle", xlabel)
	})
	names := make([]string, len(series))
	for i, s := range series {
		col, dash := seriesColors[i%len(seriesColors)], seriesDashes[i%len(seriesDashes)]
		names[i] = s.Name
		b.group("series", func() {
			var pts []float64
			for k := range s.X {
				if finite(s.X[k]) && finite(s.Y[k]) {
					pts = append(pts, px(s.X[k]), py(s.Y[k]))
				}
			}
			switch {
			case len(pts) == 2:
				b.circle(pts[0], pts[1], 2.5, col)
			case len(pts) > 2:
				b.polyline(pts, col, 1.8, dash...)
			}
			ly := plotTop + 10 + float64(i)*16
			lx := plotLeft + innerW + 10
			b.line(lx, ly, lx+22, ly, col, 1.8, dash...)
			b.text(lx+26, ly, 11, colText, "start", s.Name)
		})
	}
	desc := fmt.Sprintf("%s: %s over %s [%s, %s]", fn, strings.Join(names, ", "), xlabel, fmtNum(x0), fmtNum(x1))
	return newFigure("plot", b, desc)
}

// Images draws grey-level images side by side in a grid of numRows × numCols, each
// with its title above it (titles may have several lines, split at "\n"), as the
// book's d2l.show_images: imgs is [n, h, w] (or one image [h, w]) of values in
// [0, 1], 0 black and 1 white, as nested slices or a tensor; each image pixel
// becomes scale × scale pixels. Images beyond numRows × numCols are left out.
func Images(imgs any, numRows, numCols int, titles []string, scale int) *Figure {
	const fn = "draw.Images"
	if numRows < 1 || numCols < 1 {
		fail(fn, "numRows/numCols", "both >= 1", "%d x %d", numRows, numCols)
	}
	scale = max(scale, 1)
	mats := toArray(fn, "imgs", imgs, 2).matrices(fn, "imgs", 2, 3)
	if len(mats) > numRows*numCols {
		mats = mats[:numRows*numCols]
	}
	maxLines := 0
	for _, t := range titles {
		maxLines = max(maxLines, strings.Count(t, "\n")+1)
	}
	const lineH, gap = 13.0, 8.0
	h, w := len(mats[0]), len(mats[0][0])
	iw, ih := float64(w*scale), float64(h*scale)
	cellW := math.Max(iw, 64)
	titleH := float64(maxLines) * lineH
	b := &canvas{}
	grey := colourScale{clo: 0, chi: 1, grey: true}
	for i, m := range mats {
		r, c := i/numCols, i%numCols
		x0 := float64(c)*(cellW+gap) + gap/2
		y0 := float64(r)*(ih+titleH+gap) + gap/2
		if i < len(titles) {
			for k, line := range strings.Split(titles[i], "\n") {
				b.text(x0+cellW/2, y0+lineH*(float64(k)+0.5), 11, colText, "middle", line)
			}
		}
		b.image(x0+(cellW-iw)/2, y0+titleH, iw, ih, paint(m, 1, grey))
	}
	desc := fmt.Sprintf("%s: %d image(s) of %d×%d", fn, len(mats), h, w)
	return newFigure("images", b, desc)
}

// tickStep returns the distance between the labelled ticks of an x axis from x0 to x1 drawn
// innerW pixels wide: at most 10 steps of a whole number, made larger (2, 5, 10, 20, 50, ...
// times a power of ten) until the labels (11 px) do not run into each other.
func tickStep(x0, x1, innerW float64) float64 {
	step := math.Max(1, math.Ceil((x1-x0)/10))
	room := textWidth(fmtNum(x1), 11) + 6
	for k := 0; step/(x1-x0)*innerW < room && k < 60; k++ {
		mag := math.Pow(10, math.Floor(math.Log10(step)))
		switch next := step / mag; {
		case next < 2:
			step = 2 * mag
		case next < 5:
			step = 5 * mag
		default:
			step = 10 * mag
		}
	}
	return step
}
