package draw

import (
	"bytes"
	"encoding/base64"
	"fmt"
	"html"
	"image"
	"image/color"
	"image/png"
	"math"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/d2l-go/d2l-go/internal/d2lerr"

	"github.com/fogleman/gg"
	xdraw "golang.org/x/image/draw"
)

// pngScale is how many PNG pixels a figure's PNG form has per SVG unit: 2, so that
// the PNG stays sharp on high-density screens (it is shown at the SVG's size).
const pngScale = 2

// canvas records a drawing as a list of primitives and renders the same list twice:
// as an SVG document and as a PNG at pngScale, so that every figure reaches every
// viewer (an untrusted Jupyter notebook skips SVG and shows PNG; GitHub shows both).
type canvas struct {
	ops        []op
	maxX, maxY float64
}

type opKind int

const (
	opRect     opKind = iota // x, y, w, h; fill and/or stroke
	opPolyline               // pts; stroke, width, dash
	opCircle                 // x, y (centre), w (radius); fill
	opText                   // x, y (baseline of the middle), size, color, anchor, s
	opImage                  // x, y, w, h; img drawn pixelated
	opGroupStart
	opGroupEnd
)

// op is one primitive; which fields matter depends on kind.
type op struct {
	kind          opKind
	x, y, w, h    float64
	pts           []float64 // x0, y0, x1, y1, ...
	fill, stroke  string    // "" = none
	width         float64
	dash          []float64
	size          float64
	anchor, s     string // text anchor ("start", "middle", "end") and text; group role
	img           image.Image
	bold, pixelly bool
}

func (c *canvas) extend(x, y float64) {
	c.maxX = math.Max(c.maxX, x)
	c.maxY = math.Max(c.maxY, y)
}

// rect draws a filled cell with the diagrams' grey outline.
func (c *canvas) rect(x, y, w, h float64, fill string) {
	c.ops = append(c.ops, op{kind: opRect, x: x, y: y, w: w, h: h, fill: fill, stroke: colStroke, width: 1})
	c.extend(x+w, y+h)
}

// frame draws a rectangle's outline only.
func (c *canvas) frame(x, y, w, h float64, stroke string, width float64) {
	c.ops = append(c.ops, op{kind: opRect, x: x, y: y, w: w, h: h, stroke: stroke, width: width})
	c.extend(x+w, y+h)
}

// fillRect draws a rectangle without outline.
func (c *canvas) fillRect(x, y, w, h float64, fill string) {
	c.ops = append(c.ops, op{kind: opRect, x: x, y: y, w: w, h: h, fill: fill})
	c.extend(x+w, y+h)
}

// polyline draws a line through pts (x0, y0, x1, y1, ...), dashed when dash is not empty
// (lengths of dashes and gaps, as SVG's stroke-dasharray).
func (c *canvas) polyline(pts []float64, stroke string, width float64, dash ...float64) {
	c.ops = append(c.ops, op{kind: opPolyline, pts: pts, stroke: stroke, width: width, dash: dash})
	for i := 0; i+1 < len(pts); i += 2 {
		c.extend(pts[i], pts[i+1])
	}
}

// line draws one segment.
func (c *canvas) line(x1, y1, x2, y2 float64, stroke string, width float64, dash ...float64) {
	c.polyline([]float64{x1, y1, x2, y2}, stroke, width, dash...)
}

// circle draws a filled disc.
func (c *canvas) circle(cx, cy, r float64, fill string) {
	c.ops = append(c.ops, op{kind: opCircle, x: cx, y: cy, w: r, fill: fill})
	c.extend(cx+r, cy+r)
}

// text writes s at (x, y), y being the vertical middle of the text, anchored at its
// start, middle or end.
func (c *canvas) text(x, y float64, size int, color, anchor, s string) {
	c.ops = append(c.ops, op{kind: opText, x: x, y: y, size: float64(size), fill: color, anchor: anchor, s: s})
	w := textWidth(s, size)
	switch anchor {
	case "start":
		c.extend(x+w, y+float64(size)/2)
	case "middle":
		c.extend(x+w/2, y+float64(size)/2)
	default:
		c.extend(x, y+float64(size)/2)
	}
}

// heading writes a figure's title, if any, at the top-left margin and returns the y at which
// the figure's body starts.
func (c *canvas) heading(margin float64, title string) float64 {
	if title == "" {
		return margin
	}
	c.text(margin, margin+10, 16, colText, "start", title)
	return margin + 28
}

// image draws img scaled to w×h, each pixel a sharp square.
func (c *canvas) image(x, y, w, h float64, img image.Image) {
	c.ops = append(c.ops, op{kind: opImage, x: x, y: y, w: w, h: h, img: img})
	c.extend(x+w, y+h)
}

// group wraps the primitives drawn by fn in an SVG group <g data-role="role">, which tests
// and readers of the SVG use to find parts of a figure.
func (c *canvas) group(role string, fn func()) {
	c.ops = append(c.ops, op{kind: opGroupStart, s: role})
	fn()
	c.ops = append(c.ops, op{kind: opGroupEnd})
}

// size is the figure's size in SVG units: the drawing's extent plus a 12-unit margin.
func (c *canvas) size() (w, h float64) { return math.Ceil(c.maxX + 12), math.Ceil(c.maxY + 12) }

// svg renders the drawing as a standalone SVG document whose <desc> is desc.
func (c *canvas) svg(desc string) string {
	w, h := c.size()
	var b strings.Builder
	fmt.Fprintf(&b, `<svg xmlns="http://www.w3.org/2000/svg" width="%g" height="%g" viewBox="0 0 %g %g" %s>`+"\n"+
		`<desc>%s</desc>`+"\n"+`<rect x="0" y="0" width="%g" height="%g" fill="white"/>`+"\n",
		w, h, w, h, fontFamily, html.EscapeString(desc), w, h)
	for _, o := range c.ops {
		switch o.kind {
		case opRect:
			fmt.Fprintf(&b, `<rect x="%g" y="%g" width="%g" height="%g" fill="%s"`, o.x, o.y, o.w, o.h, orNone(o.fill))
			if o.stroke != "" {
				fmt.Fprintf(&b, ` stroke="%s" stroke-width="%g"`, o.stroke, o.width)
			}
			b.WriteString("/>\n")
		case opPolyline:
			pts := make([]string, 0, len(o.pts)/2)
			for i := 0; i+1 < len(o.pts); i += 2 {
				pts = append(pts, fmtCoord(o.pts[i])+","+fmtCoord(o.pts[i+1]))
			}
			fmt.Fprintf(&b, `<polyline points="%s" fill="none" stroke="%s" stroke-width="%g"`, strings.Join(pts, " "), o.stroke, o.width)
			if len(o.dash) > 0 {
				ds := make([]string, len(o.dash))
				for i, d := range o.dash {
					ds[i] = fmtCoord(d)
				}
				fmt.Fprintf(&b, ` stroke-dasharray="%s"`, strings.Join(ds, ","))
			}
			b.WriteString("/>\n")
		case opCircle:
			fmt.Fprintf(&b, `<circle cx="%s" cy="%s" r="%g" fill="%s"/>`+"\n", fmtCoord(o.x), fmtCoord(o.y), o.w, o.fill)
		case opText:
			fmt.Fprintf(&b, `<text x="%g" y="%g" font-size="%g" fill="%s" text-anchor="%s" dominant-baseline="central">%s</text>`+"\n",
				o.x, o.y, o.size, o.fill, o.anchor, html.EscapeString(o.s))
		case opImage:
			fmt.Fprintf(&b, `<image x="%g" y="%g" width="%g" height="%g" style="image-rendering:pixelated" href="data:image/png;base64,%s"/>`+"\n",
				o.x, o.y, o.w, o.h, base64.StdEncoding.EncodeToString(encodePNG(o.img)))
		case opGroupStart:
			fmt.Fprintf(&b, `<g data-role="%s">`+"\n", html.EscapeString(o.s))
		case opGroupEnd:
			b.WriteString("</g>\n")
		}
	}
	b.WriteString("</svg>\n")
	return b.String()
}

// png renders the drawing at pngScale pixels per SVG unit, on white.
func (c *canvas) png() []byte {
	w, h := c.size()
	dc := gg.NewContext(int(w*pngScale), int(h*pngScale))
	dc.SetRGB(1, 1, 1)
	dc.Clear()
	dc.Scale(pngScale, pngScale)
	for _, o := range c.ops {
		switch o.kind {
		case opRect:
			dc.DrawRectangle(o.x, o.y, o.w, o.h)
			if o.fill != "" {
				dc.SetColor(parseColor(o.fill))
				if o.stroke != "" {
					dc.FillPreserve()
				} else {
					dc.Fill()
				}
			}
			if o.stroke != "" {
				dc.SetColor(parseColor(o.stroke))
				dc.SetLineWidth(o.width)
				dc.Stroke()
			}
		case opPolyline:
			for i := 0; i+1 < len(o.pts); i += 2 {
				dc.LineTo(o.pts[i], o.pts[i+1])
			}
			dc.SetColor(parseColor(o.stroke))
			dc.SetLineWidth(o.width)
			dc.SetDash(o.dash...)
			dc.Stroke()
			dc.SetDash()
		case opCircle:
			dc.DrawCircle(o.x, o.y, o.w)
			dc.SetColor(parseColor(o.fill))
			dc.Fill()
		case opText:
			drawText(dc.Image().(*image.RGBA), o, pngScale)
		case opImage:
			dst := dc.Image().(*image.RGBA)
			r := image.Rect(int(math.Round(o.x*pngScale)), int(math.Round(o.y*pngScale)),
				int(math.Round((o.x+o.w)*pngScale)), int(math.Round((o.y+o.h)*pngScale)))
			xdraw.NearestNeighbor.Scale(dst, r, o.img, o.img.Bounds(), xdraw.Over, nil)
		}
	}
	return encodePNG(dc.Image())
}

func orNone(fill string) string {
	if fill == "" {
		return "none"
	}
	return fill
}

// fmtCoord prints a coordinate with at most one decimal.
func fmtCoord(v float64) string { return strconv.FormatFloat(math.Round(v*10)/10, 'f', -1, 64) }

// parseColor reads "#rrggbb" (anything else is black).
func parseColor(s string) color.Color {
	if len(s) == 7 && s[0] == '#' {
		if v, err := strconv.ParseUint(s[1:], 16, 32); err == nil {
			return color.RGBA{uint8(v >> 16), uint8(v >> 8), uint8(v), 255}
		}
	}
	if s == "white" {
		return color.White
	}
	return color.Black
}

func encodePNG(img image.Image) []byte {
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		panic(&d2lerr.Error{Func: "draw", Got: "a PNG encoding error: " + err.Error(), Want: "none (please report this)"})
	}
	return buf.Bytes()
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
