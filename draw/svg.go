package draw

import (
	"math"
	"strconv"
	"strings"
)

// Colours shared by the diagrams.
const (
	colStroke  = "#444444"
	colPadFill = "#e4e4e4"
	colPadText = "#555555" // on colPadFill: a contrast of 5.8:1, readable, yet apart from colText
	colText    = "#111111"
)

// palette fills the highlighted windows: one colour per Highlight option.
var palette = []string{"#9ecae1", "#fdae6b", "#a1d99b", "#bcbddc", "#fc9272"}

// darker versions of palette, for the written-out sums.
var paletteText = []string{"#2c6e9b", "#b35806", "#31803f", "#5e4fa2", "#b2182b"}

const fontFamily = `font-family="DejaVu Sans, Noto Sans CJK SC, Helvetica, Arial, sans-serif"`

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
