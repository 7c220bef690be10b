package d2l

import (
	"fmt"
	"math"

	"github.com/d2l-go/d2l-go/draw"
	"github.com/d2l-go/d2l-go/internal/gonbio"
)

// Animator plots several series against x while training runs (the book's d2l.Animator): in a
// GoNB notebook every Add redraws the plot in place; elsewhere it only records the points.
type Animator struct {
	// XLabel names the x axis; XLim is its range [min, max].
	XLabel string
	XLim   [2]float64
	// Legend names the series, in the order of Add's ys.
	Legend []string
	// X and Y hold the recorded points of each series (NaN values are not recorded).
	X, Y [][]float64

	live *draw.Live
}

// NewAnimator returns an Animator with one series per legend entry
// (d2l.Animator(xlabel='epoch', xlim=[1, num_epochs], legend=[...])).
func NewAnimator(xlabel string, xlim [2]float64, legend ...string) *Animator {
	return &Animator{XLabel: xlabel, XLim: xlim, Legend: legend,
		X: make([][]float64, len(legend)), Y: make([][]float64, len(legend))}
}

// Add records the point (x, ys[i]) of each series i, skipping NaN values (the book's None), and
// redraws the plot in a notebook (a plot the notebook fails to receive is skipped: the next Add
// or Finish draws it again).
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
	if gonbio.IsNotebook {
		if a.live == nil {
			a.live = draw.NewLive()
		}
		_ = a.live.Show(a.Figure()) // a plot lost on the way is redrawn by the next Add or Finish
	}
}

// Finish ends the animation: the live plot, updated in place by every Add, already shows the
// final state and stays in the notebook's output (as SVG and PNG); if nothing was drawn yet,
// it draws the plot once. Outside a notebook it does nothing.
func (a *Animator) Finish() {
	if !gonbio.IsNotebook || (a.live != nil && a.live.Shown()) {
		return
	}
	_ = draw.Show(a.Figure()) // the end of training: nothing left to retry with
}

// Figure draws the recorded series as a line plot (draw.LinePlot): x over XLim (widened to
// include every point), y over [0, largest y rounded up to 0.5, at least 1], a grid, the x
// label and the legend.
func (a *Animator) Figure() *draw.Figure {
	series := make([]draw.Series, len(a.Legend))
	for i, name := range a.Legend {
		series[i] = draw.Series{Name: name, X: a.X[i], Y: a.Y[i]}
	}
	return draw.LinePlot(a.XLabel, a.XLim, series...)
}

// SVG returns the plot of Figure as an SVG document.
func (a *Animator) SVG() string { return a.Figure().SVG() }
