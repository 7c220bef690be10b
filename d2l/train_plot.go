package d2l

import (
	"fmt"
	"math"
	"strings"

	"github.com/janpfeifer/gonb/gonbui"
)

// Animator plots several series against x while training runs (the book's d2l.Animator): in a
// GoNB notebook every Add redraws the SVG plot in place; elsewhere it only records the points.
type Animator struct {
	// XLabel names the x axis; XLim is its range [min, max].
	XLabel string
	XLim   [2]float64
	// Legend names the series, in the order of Add's ys.
	Legend []string
	// X and Y hold the recorded points of each series (NaN values are not recorded).
	X, Y [][]float64

	displayID string
	shown     bool
}

// NewAnimator returns an Animator with one series per legend entry
// (d2l.Animator(xlabel='epoch', xlim=[1, num_epochs], legend=[...])).
func NewAnimator(xlabel string, xlim [2]float64, legend ...string) *Animator {
	return &Animator{XLabel: xlabel, XLim: xlim, Legend: legend,
		X: make([][]float64, len(legend)), Y: make([][]float64, len(legend))}
}

// Add records the point (x, ys[i]) of each series i, skipping NaN values (the book's None), and
// redraws the plot in a notebook.
func (a *Animator) Add(x float64, ys ...float64) {
	if len(ys) != len(a.Legend) {
		fail("d2l.Animator.Add", "ys", fmt.Sprintf("%d values (one per series)", len(a.Legend)), "%d values", len(ys))
	}
	for i, y := range ys {
		if math.IsNaN(y) {
			continue
		}
		a.X[i] = append(a.X[i], x)
		a.Y[i] = append(a.Y[i], y)
	}
	if gonbui.IsNotebook {
		if a.displayID == "" {
			a.displayID = "d2l_animator_" + gonbui.UniqueID()
		}
		gonbui.UpdateHTML(a.displayID, a.SVG())
		a.shown = true
	}
}

// Finish ends the animation: the live plot, updated in place by every Add, already shows the
// final state and stays in the notebook's output; if nothing was drawn yet, it draws the plot
// once. Outside a notebook it does nothing.
func (a *Animator) Finish() {
	if !gonbui.IsNotebook {
		return
	}
	if !a.shown {
		gonbui.DisplaySVG(a.SVG())
		a.shown = true
	}
}

// plot geometry (pixels).
const (
	plotW, plotH                             = 360.0, 250.0
	plotLeft, plotRight, plotTop, plotBottom = 48.0, 110.0, 12.0, 40.0
)

var seriesColors = []string{"#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#8c564b"}
var seriesDashes = []string{"", "6,3", "2,3", "8,3,2,3", "", ""}

// SVG draws the recorded series as an SVG line plot: x over XLim (widened to include every
// point), y over [0, largest y rounded up to 0.5, at least 1], a grid, axis labels and the legend.
func (a *Animator) SVG() string {
	yMax := 1.0
	for _, ys := range a.Y {
		for _, y := range ys {
			if !math.IsInf(y, 0) {
				yMax = math.Max(yMax, y)
			}
		}
	}
	yMax = math.Ceil(yMax*2) / 2
	// The x range is XLim, widened to show every recorded point (e.g. the first epoch's
	// partial points before x = 1).
	x0, x1 := a.XLim[0], a.XLim[1]
	for _, xs := range a.X {
		for _, x := range xs {
			if x < x0 {
				x0 = math.Floor(x)
			}
			x1 = math.Max(x1, x)
		}
	}
	if x1 <= x0 {
		x1 = x0 + 1
	}
	innerW, innerH := plotW-plotLeft-plotRight, plotH-plotTop-plotBottom
	px := func(x float64) float64 { return plotLeft + (x-x0)/(x1-x0)*innerW }
	py := func(y float64) float64 { return plotTop + (1-y/yMax)*innerH }
	var b strings.Builder
	fmt.Fprintf(&b, `<svg xmlns="http://www.w3.org/2000/svg" width="%.0f" height="%.0f" viewBox="0 0 %.0f %.0f" font-family="sans-serif" font-size="11">`,
		plotW, plotH, plotW, plotH)
	fmt.Fprintf(&b, `<rect x="0" y="0" width="%.0f" height="%.0f" fill="white"/>`, plotW, plotH)
	// Grid and ticks.
	for i := 0; i <= 5; i++ {
		y := yMax * float64(i) / 5
		fmt.Fprintf(&b, `<line x1="%.1f" y1="%.1f" x2="%.1f" y2="%.1f" stroke="#ddd"/>`, plotLeft, py(y), plotLeft+innerW, py(y))
		fmt.Fprintf(&b, `<text x="%.1f" y="%.1f" text-anchor="end">%.1f</text>`, plotLeft-4, py(y)+4, y)
	}
	step := math.Max(1, math.Ceil((x1-x0)/10))
	for x := x0; x <= x1+1e-9; x += step {
		fmt.Fprintf(&b, `<line x1="%.1f" y1="%.1f" x2="%.1f" y2="%.1f" stroke="#ddd"/>`, px(x), plotTop, px(x), plotTop+innerH)
		fmt.Fprintf(&b, `<text x="%.1f" y="%.1f" text-anchor="middle">%g</text>`, px(x), plotTop+innerH+14, x)
	}
	fmt.Fprintf(&b, `<rect x="%.1f" y="%.1f" width="%.1f" height="%.1f" fill="none" stroke="#333"/>`, plotLeft, plotTop, innerW, innerH)
	fmt.Fprintf(&b, `<text x="%.1f" y="%.1f" text-anchor="middle">%s</text>`, plotLeft+innerW/2, plotH-6, svgEscape(a.XLabel))
	// Series.
	for i, xs := range a.X {
		col, dash := seriesColors[i%len(seriesColors)], seriesDashes[i%len(seriesDashes)]
		dashAttr := ""
		if dash != "" {
			dashAttr = fmt.Sprintf(` stroke-dasharray="%s"`, dash)
		}
		if len(xs) > 0 {
			pts := make([]string, len(xs))
			for k := range xs {
				pts[k] = fmt.Sprintf("%.1f,%.1f", px(xs[k]), py(a.Y[i][k]))
			}
			fmt.Fprintf(&b, `<polyline points="%s" fill="none" stroke="%s" stroke-width="1.8"%s/>`, strings.Join(pts, " "), col, dashAttr)
			if len(xs) == 1 {
				fmt.Fprintf(&b, `<circle cx="%.1f" cy="%.1f" r="2.5" fill="%s"/>`, px(xs[0]), py(a.Y[i][0]), col)
			}
		}
		ly := plotTop + 10 + float64(i)*16
		lx := plotLeft + innerW + 10
		fmt.Fprintf(&b, `<line x1="%.1f" y1="%.1f" x2="%.1f" y2="%.1f" stroke="%s" stroke-width="1.8"%s/>`, lx, ly, lx+22, ly, col, dashAttr)
		fmt.Fprintf(&b, `<text x="%.1f" y="%.1f">%s</text>`, lx+26, ly+4, svgEscape(a.Legend[i]))
	}
	b.WriteString(`</svg>`)
	return b.String()
}

// svgEscape escapes text for an SVG text node.
func svgEscape(s string) string {
	return strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;").Replace(s)
}
