package draw

import (
	"html"
	"regexp"
	"strconv"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestBigDiagramFits: a diagram of a big input (6.3's explore(30, 3, 1, 1)) is drawn smaller,
// at most maxDiagramWidth wide, instead of being cut off by the page; its cells too small to
// hold a readable number show their colours only. CellSize still sets the size.
func TestBigDiagramFits(t *testing.T) {
	X := make([][]float64, 30)
	for i := range X {
		X[i] = make([]float64, 30)
		for j := range X[i] {
			X[i][j] = float64(i*30 + j)
		}
	}
	K := [][]float64{{1, 1, 1}, {1, 1, 1}, {1, 1, 1}}
	for _, f := range []*Figure{Corr2D(X, K, Padding(1, 1)), Pool2D(X, [2]int{3, 3}, "max", Padding(1, 1))} {
		w, _ := f.Size()
		assert.LessOrEqual(t, w, maxDiagramWidth+12, "%s is %g px wide", f.Text()[:12], w)
		for _, m := range regexp.MustCompile(`font-size="([0-9.]+)"`).FindAllStringSubmatch(f.SVG(), -1) {
			size, err := strconv.ParseFloat(m[1], 64)
			require.NoError(t, err)
			assert.GreaterOrEqual(t, size, float64(minNumberSize), "no text too small to read")
		}
	}
	w, _ := Corr2D(X, K, CellSize(36)).Size()
	assert.Greater(t, w, 2000.0, "CellSize overrides the fit")
	w, _ = Corr2D([][]float64{{0, 1, 2}, {3, 4, 5}, {6, 7, 8}}, [][]float64{{0, 1}, {2, 3}}).Size()
	assert.Less(t, w, maxDiagramWidth, "small diagrams keep their cells")
}

// TestPaddingLabels: the −∞ of max pooling's padded cells is written as large as the other
// numbers (its width counts in characters, not bytes) in a grey that reads on the padding's
// shade.
func TestPaddingLabels(t *testing.T) {
	f := Pool2D([][]float64{{1, 2}, {3, 4}}, [2]int{2, 2}, "max", Padding(1, 1))
	sizes := map[string]string{}
	for _, m := range regexp.MustCompile(`<text[^>]*font-size="([0-9.]+)"[^>]*>([^<]*)</text>`).FindAllStringSubmatch(f.SVG(), -1) {
		sizes[html.UnescapeString(m[2])] = m[1]
	}
	require.Contains(t, sizes, "-∞")
	assert.Equal(t, sizes["4"], sizes["-∞"], "the padding's −∞ as large as the numbers")
	assert.Contains(t, f.SVG(), colPadText)
}

// TestTickStep: the x axis of a plot keeps one label per epoch while they fit, and spaces
// them out (by 2, 5, 10, ... times a power of ten) when they would run into each other.
func TestTickStep(t *testing.T) {
	for _, tc := range []struct{ x0, x1, want float64 }{
		{1, 10, 1}, {0, 10, 1}, {1, 4, 1}, {0, 1000, 200}, {1, 100, 20}, {0, 50, 5},
	} {
		assert.Equal(t, tc.want, tickStep(tc.x0, tc.x1, 202), "%v..%v", tc.x0, tc.x1)
	}
}
