package d2l

import (
	"fmt"
	"math"
	"time"

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

	live   *draw.Live
	status string    // shown after the x label while it is not ""
	drawn  string    // the status of the last plot drawn
	last   time.Time // when the plot was last drawn
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
	a.draw()
}

// SetStatus sets a short note shown after the x axis label ("" for none), such as how far
// training has come, and in a notebook redraws the plot if it was last drawn a second ago or
// more, or never: a plot appears at once, and moves while the first points are still to come.
func (a *Animator) SetStatus(status string) {
	a.status = status
	if gonbio.IsNotebook && (a.live == nil || time.Since(a.last) >= time.Second) {
		a.draw()
	}
}

// draw redraws the live plot in a notebook (a plot lost on the way is redrawn by the next Add,
// SetStatus or Finish).
func (a *Animator) draw() {
	if !gonbio.IsNotebook {
		return
	}
	if a.live == nil {
		a.live = draw.NewLive()
	}
	if a.live.Show(a.Figure()) == nil {
		a.drawn = a.status
	}
	a.last = time.Now()
}

// Finish ends the animation: the live plot, updated in place by Add and SetStatus, is drawn
// once more if its last drawing is not the final state (another status, or nothing drawn), and
// stays in the notebook's output (as SVG and PNG). Outside a notebook it does nothing.
func (a *Animator) Finish() {
	if !gonbio.IsNotebook || (a.live != nil && a.live.Shown() && a.drawn == a.status) {
		return
	}
	if a.live != nil && a.live.Shown() {
		a.draw()
		return
	}
	_ = draw.Show(a.Figure()) // the end of training: nothing left to retry with
}

// Figure draws the recorded series as a line plot (draw.LinePlot): x over XLim (widened to
// include every point), y over [0, largest y rounded up to 0.5, at least 1], a grid, the x
// label (followed by the status in parentheses, if any) and the legend.
func (a *Animator) Figure() *draw.Figure {
	series := make([]draw.Series, len(a.Legend))
	for i, name := range a.Legend {
		series[i] = draw.Series{Name: name, X: a.X[i], Y: a.Y[i]}
	}
	xlabel := a.XLabel
	if a.status != "" {
		xlabel += "（" + a.status + "）"
	}
	return draw.LinePlot(xlabel, a.XLim, series...)
}

// SVG returns the plot of Figure as an SVG document.
func (a *Animator) SVG() string { return a.Figure().SVG() }
