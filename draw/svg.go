package draw

import (
	"fmt"
	"html"
	"math"
	"strconv"
	"strings"
	"unicode/utf8"
)

// Colours shared by the diagrams.
const (
	colStroke  = "#444444"
	colPadFill = "#e4e4e4"
	colPadText = "#8a8a8a"
	colText    = "#111111"
)

// palette fills the highlighted windows: one colour per Highlight option.
var palette = []string{"#9ecae1", "#fdae6b", "#a1d99b", "#bcbddc", "#fc9272"}

// darker versions of palette, for the written-out sums.
var paletteText = []string{"#2c6e9b", "#b35806", "#31803f", "#5e4fa2", "#b2182b"}

const fontFamily = `font-family="DejaVu Sans, Noto Sans CJK SC, Helvetica, Arial, sans-serif"`

// svgBuilder accumulates SVG elements and the extent they cover.
type svgBuilder struct {
	sb         strings.Builder
	maxX, maxY float64
}

func (b *svgBuilder) extend(x, y float64) {
	b.maxX = math.Max(b.maxX, x)
	b.maxY = math.Max(b.maxY, y)
}

func (b *svgBuilder) rect(x, y, w, h float64, fill string) {
	fmt.Fprintf(&b.sb, `<rect x="%g" y="%g" width="%g" height="%g" fill="%s" stroke="%s" stroke-width="1"/>`+"\n",
		x, y, w, h, fill, colStroke)
	b.extend(x+w, y+h)
}

// text writes s centred at (x, y) (y is the baseline of the middle).
// heading writes a figure's title, if any, at the top-left margin and returns the y at which
// the figure's body starts.
func (b *svgBuilder) heading(margin float64, title string) float64 {
	if title == "" {
		return margin
	}
	b.text(margin, margin+10, 16, colText, "start", title)
	return margin + 28
}

func (b *svgBuilder) text(x, y float64, size int, color, anchor, s string) {
	fmt.Fprintf(&b.sb, `<text x="%g" y="%g" font-size="%d" fill="%s" text-anchor="%s" dominant-baseline="central">%s</text>`+"\n",
		x, y, size, color, anchor, html.EscapeString(s))
	w := textWidth(s, size)
	switch anchor {
	case "start":
		b.extend(x+w, y+float64(size)/2)
	case "middle":
		b.extend(x+w/2, y+float64(size)/2)
	default:
		b.extend(x, y+float64(size)/2)
	}
}

// raw appends an element as is; the caller extends the bounds.
func (b *svgBuilder) raw(s string) { b.sb.WriteString(s) }

// doc wraps the elements into a standalone SVG document with a margin.
func (b *svgBuilder) doc(desc string) string {
	w, h := math.Ceil(b.maxX+12), math.Ceil(b.maxY+12)
	return fmt.Sprintf(`<svg xmlns="http://www.w3.org/2000/svg" width="%g" height="%g" viewBox="0 0 %g %g" %s>`+"\n"+
		`<desc>%s</desc>`+"\n"+`<rect x="0" y="0" width="%g" height="%g" fill="white"/>`+"\n%s</svg>\n",
		w, h, w, h, fontFamily, html.EscapeString(desc), w, h, b.sb.String())
}

// textWidth estimates the width of s in pixels: wide (CJK) runes count as one
// em, others as 0.6 em.
func textWidth(s string, size int) float64 {
	w := 0.0
	for _, r := range s {
		if utf8.RuneLen(r) >= 3 {
			w += float64(size)
		} else {
			w += 0.6 * float64(size)
		}
	}
	return w
}

// fmtNum prints integers without a decimal point and others with at most four
// decimals: 19, -1, 0.5, 1.1111.
func fmtNum(v float64) string {
	if math.IsInf(v, -1) {
		return "-∞"
	}
	if v == math.Trunc(v) && math.Abs(v) < 1e15 {
		if v == 0 {
			return "0"
		}
		return strconv.FormatInt(int64(v), 10)
	}
	r := math.Round(v*1e4) / 1e4
	if r == 0 {
		return "0"
	}
	return strconv.FormatFloat(r, 'f', -1, 64)
}

// fmtFactor is fmtNum with negative numbers in parentheses, for products.
func fmtFactor(v float64) string {
	s := fmtNum(v)
	if strings.HasPrefix(s, "-") {
		return "(" + s + ")"
	}
	return s
}
