package draw

import (
	"fmt"
	"math"
	"strings"
)

// Bars draws one vertical bar per value, labelled below with labels[i] and
// above with the value, on a y axis from 0 to the largest value (rounded up to
// a round number), with a grid: a histogram (counts per bin) or a comparison
// (a class's mean score per exercise). Values must be finite and >= 0.
//
// Options: Title (above everything), Labels (one: the y axis's name), Scale
// (a fixed y range [0, hi]; lo is ignored), Highlight(0, 0, i) to draw bar i
// in another colour (repeat it for several).
func Bars(labels []string, values []float64, opts ...Option) *Figure {
	const fn = "draw.Bars"
	if len(labels) != len(values) {
		fail(fn, "labels", "one label per value", "%d labels for %d values", len(labels), len(values))
	}
	if len(values) == 0 {
		fail(fn, "values", "at least one value", "none")
	}
	c := newConfig(opts)
	top := 0.0
	for i, v := range values {
		if math.IsNaN(v) || math.IsInf(v, 0) || v < 0 {
			fail(fn, fmt.Sprintf("values[%d]", i), "a finite value >= 0", "%v", v)
		}
		top = math.Max(top, v)
	}
	if c.scale != nil && c.scale[1] > 0 {
		top = math.Max(top, c.scale[1])
	} else {
		top = niceCeil(top)
	}
	marked := map[int]bool{}
	for _, h := range c.highlight {
		marked[h[2]] = true
	}
	const (
		left, barW, gap, innerH = 52.0, 22.0, 8.0, 160.0
	)
	b := &canvas{}
	y0 := b.heading(8, c.title) + 18
	innerW := float64(len(values))*(barW+gap) + gap
	py := func(v float64) float64 { return y0 + (1-v/top)*innerH }
	b.group("grid", func() {
		for i := 0; i <= 4; i++ {
			v := top * float64(i) / 4
			b.line(left, py(v), left+innerW, py(v), "#dddddd", 1)
			b.text(left-4, py(v), 11, colText, "end", fmtNum(v))
		}
		b.frame(left, y0, innerW, innerH, "#333333", 1)
		if len(c.labels) > 0 {
			b.text(left, y0-8, 11, colText, "start", c.labels[0])
		}
	})
	maxLabel := 0.0
	for _, l := range labels {
		maxLabel = math.Max(maxLabel, textWidth(l, 10))
	}
	b.group("bars", func() {
		for i, v := range values {
			x := left + gap + float64(i)*(barW+gap)
			col := seriesColors[0]
			if marked[i] {
				col = seriesColors[1]
			}
			if v > 0 {
				b.fillRect(x, py(v), barW, y0+innerH-py(v), col)
			}
			b.text(x+barW/2, py(v)-7, 10, colText, "middle", barNum(v))
			if maxLabel > barW+gap {
				// Long labels: one per line under the bars would collide; stagger them.
				b.text(x+barW/2, y0+innerH+10+float64(i%2)*12, 10, colText, "middle", labels[i])
			} else {
				b.text(x+barW/2, y0+innerH+10, 10, colText, "middle", labels[i])
			}
		}
	})
	desc := fmt.Sprintf("%s: %d bars (%s)", fn, len(values), strings.Join(labels, ", "))
	return newFigure("bars", b, desc)
}

// barNum writes a bar's value with at most one decimal.
func barNum(v float64) string { return fmtNum(math.Round(v*10) / 10) }

// niceCeil rounds v up to 1, 2 or 5 times a power of ten (at least 1).
func niceCeil(v float64) float64 {
	if v <= 1 {
		return 1
	}
	p := math.Pow(10, math.Floor(math.Log10(v)))
	for _, m := range []float64{1, 2, 5, 10} {
		if v <= m*p {
			return m * p
		}
	}
	return 10 * p
}
