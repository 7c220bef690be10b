package draw

import (
	"image"
	"math"
	"os"
	"sync"

	"golang.org/x/image/font"
	"golang.org/x/image/font/gofont/goregular"
	"golang.org/x/image/font/opentype"
	"golang.org/x/image/font/sfnt"
	"golang.org/x/image/math/fixed"
)

// fontFiles are the fonts the PNG form of a figure draws its text with, in order of
// preference: each rune is drawn with the first font that has it. The first found of
// DejaVu Sans (the SVG's first choice) and one CJK font are used, then Go's own font,
// which is built in, for any Latin text the system fonts lack. Chinese text needs a CJK
// font on the system: `d2l setup` installs Debian's fonts-wqy-microhei.
var fontFiles = [][]string{
	{
		"/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
		"/usr/share/fonts/TTF/DejaVuSans.ttf",
		"/usr/share/fonts/dejavu/DejaVuSans.ttf",
		"/Library/Fonts/Arial Unicode.ttf",
		"/System/Library/Fonts/Supplemental/Arial.ttf",
		"C:\\Windows\\Fonts\\arial.ttf",
	},
	{
		"/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
		"/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
		"/usr/share/fonts/noto-cjk/NotoSansCJK-Regular.ttc",
		"/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",
		"/usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf",
		"/System/Library/Fonts/PingFang.ttc",
		"/System/Library/Fonts/STHeiti Light.ttc",
		"C:\\Windows\\Fonts\\msyh.ttc",
	},
}

var (
	fontsOnce sync.Once
	fonts     []*sfnt.Font
)

// loadFonts parses the fonts of fontFiles once; files that are missing or unreadable are
// skipped, and Go's built-in font is always last.
func loadFonts() []*sfnt.Font {
	fontsOnce.Do(func() {
		for _, group := range fontFiles {
			for _, path := range group {
				data, err := os.ReadFile(path)
				if err != nil {
					continue
				}
				if coll, err := opentype.ParseCollection(data); err == nil && coll.NumFonts() > 0 {
					if f, err := coll.Font(0); err == nil {
						fonts = append(fonts, f)
						break
					}
				}
				// A font whose tables are not 4-byte aligned (wqy-microhei.ttc): realign a copy.
				if fixed, err := realignedFont(data, 0); err == nil {
					if f, err := opentype.Parse(fixed); err == nil {
						fonts = append(fonts, f)
						break
					}
				}
			}
		}
		if f, err := opentype.Parse(goregular.TTF); err == nil {
			fonts = append(fonts, f)
		}
	})
	return fonts
}

// face is one font at one size.
type face struct {
	font.Face
	f *sfnt.Font
}

var (
	facesMu sync.Mutex
	faces   = map[float64][]face{}
)

// facesFor returns one face per loaded font at the given pixel size.
func facesFor(px float64) []face {
	facesMu.Lock()
	defer facesMu.Unlock()
	if fs, ok := faces[px]; ok {
		return fs
	}
	var fs []face
	for _, f := range loadFonts() {
		ff, err := opentype.NewFace(f, &opentype.FaceOptions{Size: px, DPI: 72, Hinting: font.HintingNone})
		if err == nil {
			fs = append(fs, face{ff, f})
		}
	}
	faces[px] = fs
	return fs
}

// faceFor picks the first face whose font has a glyph for r (the first one if none has).
func faceFor(fs []face, r rune) font.Face {
	var buf sfnt.Buffer
	for _, f := range fs {
		if i, err := f.f.GlyphIndex(&buf, r); err == nil && i != 0 {
			return f.Face
		}
	}
	return fs[0].Face
}

// drawText draws a text primitive onto dst, whose pixels are scale times the SVG's units,
// with the same anchoring as the SVG (dominant-baseline central: y is the text's middle).
func drawText(dst *image.RGBA, o op, scale float64) {
	fs := facesFor(o.size * scale)
	if len(fs) == 0 {
		return
	}
	width := fixed.I(0)
	for _, r := range o.s {
		a, _ := faceFor(fs, r).GlyphAdvance(r)
		width += a
	}
	x := o.x * scale
	switch o.anchor {
	case "middle":
		x -= float64(width) / 64 / 2
	case "end":
		x -= float64(width) / 64
	}
	// The middle of the text is half the x-height of the first font above the baseline
	// (SVG's "central" baseline); 0.35 em approximates it for fonts without metrics.
	m := fs[0].Metrics()
	mid := 0.35 * o.size * scale
	if m.XHeight > 0 {
		mid = float64(m.XHeight) / 64 / 2 * 1.1
	}
	d := &font.Drawer{Dst: dst, Src: image.NewUniform(parseColor(o.fill))}
	d.Dot = fixed.Point26_6{X: fixed.Int26_6(math.Round(x * 64)), Y: fixed.Int26_6(math.Round((o.y*scale + mid) * 64))}
	for _, r := range o.s {
		d.Face = faceFor(fs, r)
		d.DrawString(string(r))
	}
}
