package draw_test

import (
	"bytes"
	"encoding/base64"
	"encoding/xml"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/d2l-go/d2l-go/d2l"
	"github.com/d2l-go/d2l-go/draw"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The numbers of the book's figures (d2l-zh 6.2-6.5); the expected outputs
// were computed independently (PyTorch) and are copied here so that a clone
// without ../shared can run the tests.
var (
	fig621X = [][]float64{{0, 1, 2}, {3, 4, 5}, {6, 7, 8}}
	fig621K = [][]float64{{0, 1}, {2, 3}}
	fig641X = [][][]float64{{{0, 1, 2}, {3, 4, 5}, {6, 7, 8}}, {{1, 2, 3}, {4, 5, 6}, {7, 8, 9}}}
	fig641K = [][][]float64{{{0, 1}, {2, 3}}, {{1, 2}, {3, 4}}}
)

// parsed is what a test reads back from an SVG: the numbers of each grid
// group (in document order) and the written-out sums.
type parsed struct {
	groups map[string][][]string // role -> one list of cell texts per group
	sums   []string
	desc   string
}

// parseSVG checks that s is well-formed XML with an <svg> root and collects
// the texts of the data-role groups.
func parseSVG(t *testing.T, s string) parsed {
	t.Helper()
	dec := xml.NewDecoder(strings.NewReader(s))
	p := parsed{groups: map[string][][]string{}}
	var stack []string // role of each open element ("" if none)
	role := func() string {
		for i := len(stack) - 1; i >= 0; i-- {
			if stack[i] != "" {
				return stack[i]
			}
		}
		return ""
	}
	inText, inDesc, root := false, false, ""
	for {
		tok, err := dec.Token()
		if err == io.EOF {
			break
		}
		require.NoError(t, err, "SVG is not well-formed XML")
		switch el := tok.(type) {
		case xml.StartElement:
			if root == "" {
				root = el.Name.Local
			}
			r := ""
			for _, a := range el.Attr {
				if a.Name.Local == "data-role" {
					r = a.Value
					if r != "sum" {
						p.groups[r] = append(p.groups[r], nil)
					}
				}
			}
			stack = append(stack, r)
			inText = el.Name.Local == "text"
			inDesc = el.Name.Local == "desc"
		case xml.EndElement:
			stack = stack[:len(stack)-1]
			inText, inDesc = false, false
		case xml.CharData:
			switch {
			case inDesc:
				p.desc += string(el)
			case inText && role() == "sum":
				p.sums = append(p.sums, string(el))
			case inText && role() != "":
				g := p.groups[role()]
				g[len(g)-1] = append(g[len(g)-1], string(el))
			}
		}
	}
	require.Equal(t, "svg", root)
	return p
}

// cells flattens a matrix into the texts the figure should show.
func cells[T int | float64](m [][]T) []string {
	var out []string
	for _, row := range m {
		for _, v := range row {
			out = append(out, fmt.Sprint(v))
		}
	}
	return out
}

func TestDiagrams(t *testing.T) {
	tests := []struct {
		name     string
		fig      func() *draw.Figure
		inputs   [][]string // cell texts of every input group (padded)
		outputs  [][]string
		kernels  int // number of kernel groups drawn
		wantSums []string
	}{
		{
			name:     "fig 6.2.1 cross-correlation",
			fig:      func() *draw.Figure { return draw.Corr2D(fig621X, fig621K) },
			inputs:   [][]string{cells(fig621X)},
			outputs:  [][]string{cells([][]int{{19, 25}, {37, 43}})},
			kernels:  1,
			wantSums: []string{"0×0 + 1×1 + 3×2 + 4×3 = 19"},
		},
		{
			name: "fig 6.3.1 padding",
			fig:  func() *draw.Figure { return draw.Corr2D(fig621X, fig621K, draw.Padding(1, 1)) },
			inputs: [][]string{cells([][]int{
				{0, 0, 0, 0, 0}, {0, 0, 1, 2, 0}, {0, 3, 4, 5, 0}, {0, 6, 7, 8, 0}, {0, 0, 0, 0, 0}})},
			outputs:  [][]string{cells([][]int{{0, 3, 8, 4}, {9, 19, 25, 10}, {21, 37, 43, 16}, {6, 7, 8, 0}})},
			kernels:  1,
			wantSums: []string{"0×0 + 0×1 + 0×2 + 0×3 = 0"},
		},
		{
			name: "fig 6.3.2 stride (3, 2)",
			fig: func() *draw.Figure {
				return draw.Corr2D(fig621X, fig621K, draw.Padding(1, 1), draw.Stride(3, 2),
					draw.Highlight(0, 0, 1), draw.Highlight(0, 1, 0))
			},
			outputs:  [][]string{cells([][]int{{0, 8}, {6, 8}})},
			kernels:  1,
			wantSums: []string{"0×0 + 0×1 + 1×2 + 2×3 = 8", "0×0 + 6×1 + 0×2 + 0×3 = 6"},
		},
		{
			name:     "fig 6.4.1 two input channels",
			fig:      func() *draw.Figure { return draw.Corr2DMultiIn(fig641X, fig641K) },
			inputs:   [][]string{cells(fig641X[0]), cells(fig641X[1])},
			outputs:  [][]string{cells([][]int{{56, 72}, {104, 120}})},
			kernels:  2,
			wantSums: []string{"(0×0 + 1×1 + 3×2 + 4×3) + (1×1 + 2×2 + 4×3 + 5×4) = 56"},
		},
		{
			name: "three output channels (6.4.2)",
			fig: func() *draw.Figure {
				K := [][][][]float64{fig641K, {{{1, 2}, {3, 4}}, {{2, 3}, {4, 5}}}, {{{2, 3}, {4, 5}}, {{3, 4}, {5, 6}}}}
				return draw.Corr2DMultiInOut(fig641X, K, draw.Highlight(2, 1, 1))
			},
			outputs: [][]string{
				cells([][]int{{56, 72}, {104, 120}}), cells([][]int{{76, 100}, {148, 172}}), cells([][]int{{96, 128}, {192, 224}})},
			kernels:  6,
			wantSums: []string{"(4×2 + 5×3 + 7×4 + 8×5) + (5×3 + 6×4 + 8×5 + 9×6) = 224"},
		},
		{
			name: "fig 6.4.2 1x1 convolution",
			fig: func() *draw.Figure {
				X := [][][]int{{{0, 1, 2}, {3, 4, 5}, {6, 7, 8}}, {{9, 10, 11}, {12, 13, 14}, {15, 16, 17}}}
				K := [][][][]int{{{{1}}, {{2}}}, {{{3}}, {{4}}}, {{{5}}, {{6}}}}
				return draw.Corr2DMultiInOut(X, K, draw.Highlight(1, 0, 0))
			},
			outputs: [][]string{
				cells([][]int{{18, 21, 24}, {27, 30, 33}, {36, 39, 42}}),
				cells([][]int{{36, 43, 50}, {57, 64, 71}, {78, 85, 92}}),
				cells([][]int{{54, 65, 76}, {87, 98, 109}, {120, 131, 142}})},
			kernels:  6,
			wantSums: []string{"0×3 + 9×4 = 36"},
		},
		{
			name:     "fig 6.5.1 max pooling",
			fig:      func() *draw.Figure { return draw.Pool2D(fig621X, [2]int{2, 2}, "max") },
			inputs:   [][]string{cells(fig621X)},
			outputs:  [][]string{cells([][]int{{4, 5}, {7, 8}})},
			wantSums: []string{"max(0, 1, 3, 4) = 4"},
		},
		{
			name:     "average pooling",
			fig:      func() *draw.Figure { return draw.Pool2D(fig621X, [2]int{2, 2}, "avg", draw.Highlight(0, 1, 1)) },
			outputs:  [][]string{cells([][]int{{2, 3}, {5, 6}})},
			wantSums: []string{"(4 + 5 + 7 + 8) / 4 = 6"},
		},
		{
			name: "max pooling with padding never picks the padding",
			fig: func() *draw.Figure {
				X := [][]int{{0, 1, 2, 3}, {4, 5, 6, 7}, {8, 9, 10, 11}, {12, 13, 14, 15}}
				return draw.Pool2D(X, [2]int{3, 3}, "max", draw.Padding(1, 1), draw.Stride(2, 2))
			},
			inputs: [][]string{{
				"-∞", "-∞", "-∞", "-∞", "-∞", "-∞",
				"-∞", "0", "1", "2", "3", "-∞",
				"-∞", "4", "5", "6", "7", "-∞",
				"-∞", "8", "9", "10", "11", "-∞",
				"-∞", "12", "13", "14", "15", "-∞",
				"-∞", "-∞", "-∞", "-∞", "-∞", "-∞"}},
			outputs:  [][]string{cells([][]int{{5, 7}, {13, 15}})},
			wantSums: []string{"max(0, 1, 4, 5) = 5"},
		},
		{
			name: "average pooling with padding counts the zeros",
			fig: func() *draw.Figure {
				X := [][]int{{0, 1, 2, 3}, {4, 5, 6, 7}, {8, 9, 10, 11}, {12, 13, 14, 15}}
				return draw.Pool2D(X, [2]int{3, 3}, "avg", draw.Padding(1, 1), draw.Stride(2, 2))
			},
			outputs:  [][]string{{"1.1111", "2.6667", "5.6667", "10"}},
			wantSums: []string{"(0 + 0 + 0 + 0 + 0 + 1 + 0 + 4 + 5) / 9 = 1.1111"},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			f := tc.fig()
			p := parseSVG(t, f.SVG())
			if tc.inputs != nil {
				assert.Equal(t, tc.inputs, p.groups["input"], "input cells")
			}
			assert.Equal(t, tc.outputs, p.groups["output"], "output cells")
			assert.Len(t, p.groups["kernel"], tc.kernels, "kernel grids")
			assert.Equal(t, tc.wantSums, p.sums)
			img, err := png.Decode(bytes.NewReader(f.PNG()))
			require.NoError(t, err, "PNG form")
			w, h := f.Size()
			assert.Equal(t, [2]int{int(2 * w), int(2 * h)}, [2]int{img.Bounds().Dx(), img.Bounds().Dy()}, "PNG form: twice the SVG's size")
			assert.Equal(t, f.Text(), p.desc)
			for _, s := range tc.wantSums {
				assert.Contains(t, f.Text(), s)
			}
		})
	}
}

func TestHeatMap(t *testing.T) {
	// The 6×8 edge image of 6.2.3: ones with columns 2..5 set to zero.
	X := make([][]float32, 6)
	for i := range X {
		X[i] = []float32{1, 1, 0, 0, 0, 0, 1, 1}
	}
	Y := make([][]float64, 6)
	for i := range Y {
		Y[i] = []float64{0, 1, 0, 0, 0, -1, 0}
	}
	tests := []struct {
		name   string
		m      any
		opts   []draw.Option
		w, h   int                 // size of each map's image
		pixels map[[3]int][3]uint8 // map, x, y -> colour
		texts  []string
	}{
		{
			name: "black and white image", m: X, opts: []draw.Option{draw.Title("X"), draw.CellSize(10)},
			w: 80, h: 60,
			pixels: map[[3]int][3]uint8{{0, 5, 5}: {255, 255, 255}, {0, 25, 5}: {0, 0, 0}, {0, 75, 55}: {255, 255, 255}},
			texts:  []string{">X<", ">0</text>", ">1</text>"},
		},
		{
			name: "signed response", m: Y, opts: []draw.Option{draw.CellSize(10)},
			w: 70, h: 60,
			pixels: map[[3]int][3]uint8{{0, 5, 5}: {255, 255, 255}, {0, 15, 5}: {178, 24, 43}, {0, 55, 5}: {33, 102, 172}},
			texts:  []string{">-1</text>", ">1</text>"},
		},
		{
			name: "all zeros stay white", m: [][]int{{0, 0}, {0, 0}}, opts: []draw.Option{draw.CellSize(4)},
			w: 8, h: 8,
			pixels: map[[3]int][3]uint8{{0, 1, 1}: {255, 255, 255}, {0, 6, 6}: {255, 255, 255}},
			texts:  []string{"全为 0"},
		},
		{
			name: "fixed scale: a 0/1 mask of ones is white", m: [][]int{{1, 1}, {1, 1}}, opts: []draw.Option{draw.Scale(0, 1), draw.CellSize(4)},
			w: 8, h: 8,
			pixels: map[[3]int][3]uint8{{0, 1, 1}: {255, 255, 255}},
			texts:  []string{"全为 1", ">0</text>"},
		},
		{
			name: "fixed scale clips and greys: 0.5 of [0, 1] is mid grey", m: [][]float64{{0.5, 2}}, opts: []draw.Option{draw.Scale(0, 1), draw.CellSize(4)},
			w: 8, h: 4,
			pixels: map[[3]int][3]uint8{{0, 1, 1}: {128, 128, 128}, {0, 5, 1}: {255, 255, 255}},
		},
		{
			name: "stack of maps with labels, leading 1 dropped",
			m:    [][][][]int{{{{0, 1}}, {{2, 3}}, {{-1, 1}}}},
			opts: []draw.Option{draw.Labels("a", "b", "c"), draw.CellSize(4)},
			w:    8, h: 4,
			pixels: map[[3]int][3]uint8{{0, 1, 1}: {0, 0, 0}, {0, 5, 1}: {255, 255, 255}, {1, 1, 1}: {0, 0, 0}, {2, 1, 1}: {33, 102, 172}, {2, 5, 1}: {178, 24, 43}},
			texts:  []string{">a<", ">b<", ">c<", ">2</text>", ">3</text>"},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			f := draw.HeatMap(tc.m, tc.opts...)
			parseSVG(t, f.SVG())
			for _, s := range tc.texts {
				assert.Contains(t, f.SVG(), s)
			}
			maps := svgImages(t, f.SVG())
			require.NotEmpty(t, maps)
			whole, err := png.Decode(bytes.NewReader(f.PNG()))
			require.NoError(t, err)
			fw, fh := f.Size()
			require.Equal(t, [2]int{int(2 * fw), int(2 * fh)}, [2]int{whole.Bounds().Dx(), whole.Bounds().Dy()}, "PNG form: twice the SVG's size")
			for _, m := range maps {
				require.Equal(t, [2]int{tc.w, tc.h}, [2]int{m.img.Bounds().Dx(), m.img.Bounds().Dy()}, "map image size")
			}
			for xy, want := range tc.pixels {
				m := maps[xy[0]]
				assert.Equal(t, want, rgb(m.img.At(xy[1], xy[2])), "map %d pixel (%d, %d) in the SVG", xy[0], xy[1], xy[2])
				// The PNG form is the same drawing at twice the size: the map's pixel is there too.
				px, py := int(2*(m.x+float64(xy[1])))+1, int(2*(m.y+float64(xy[2])))+1
				assert.Equal(t, want, rgb(whole.At(px, py)), "map %d pixel (%d, %d) in the PNG", xy[0], xy[1], xy[2])
			}
		})
	}
}

func rgb(c color.Color) [3]uint8 {
	r, g, b, _ := c.RGBA()
	return [3]uint8{uint8(r >> 8), uint8(g >> 8), uint8(b >> 8)}
}

// svgImage is an <image> of an SVG outside its colour bars: a heat map's map.
type svgImage struct {
	x, y float64
	img  image.Image
}

// svgImages decodes the embedded PNG images of an SVG that are not part of a colour bar.
func svgImages(t *testing.T, s string) []svgImage {
	t.Helper()
	s = regexp.MustCompile(`(?s)<g data-role="colour-bar">.*?</g>`).ReplaceAllString(s, "")
	var out []svgImage
	for _, m := range regexp.MustCompile(`<image x="([0-9.]+)" y="([0-9.]+)"[^>]*href="data:image/png;base64,([^"]+)"`).FindAllStringSubmatch(s, -1) {
		x, _ := strconv.ParseFloat(m[1], 64)
		y, _ := strconv.ParseFloat(m[2], 64)
		data, err := base64.StdEncoding.DecodeString(m[3])
		require.NoError(t, err)
		img, err := png.Decode(bytes.NewReader(data))
		require.NoError(t, err)
		out = append(out, svgImage{x, y, img})
	}
	return out
}

// tensorLike stands for a GoMLX *tensors.Tensor: anything with Value() any.
type tensorLike struct{ v any }

func (t tensorLike) Value() any { return t.v }

func TestTensorInput(t *testing.T) {
	f := draw.Corr2D(tensorLike{[][][][]float32{{{{0, 1, 2}, {3, 4, 5}, {6, 7, 8}}}}}, tensorLike{[][]float32{{0, 1}, {2, 3}}})
	p := parseSVG(t, f.SVG())
	assert.Equal(t, [][]string{{"19", "25", "37", "43"}}, p.groups["output"])
}

func TestBadInput(t *testing.T) {
	tests := []struct {
		name string
		fn   func()
		want string
	}{
		{"ragged", func() { draw.Corr2D([][]float64{{1, 2}, {3}}, fig621K) }, "draw.Corr2D: argument x: got a ragged slice"},
		{"kernel too big", func() { draw.Corr2D(fig621K, fig621X) }, "draw.Corr2D: argument k: got a 3×3 kernel, want at most the padded input 2×2"},
		{"rank", func() { draw.Corr2D(fig641X, fig621K) }, "draw.Corr2D: argument x: got shape [2 3 3] (rank 3), want rank 2 [h, w]"},
		{"channels", func() { draw.Corr2DMultiIn(fig641X, [][][]float64{{{1}}}) }, "draw.Corr2DMultiIn: argument k: got 1 input channels, want 2"},
		{"stride", func() { draw.Corr2D(fig621X, fig621K, draw.Stride(0, 1)) }, "draw.Corr2D: argument Stride: got (0, 1), want both >= 1"},
		{"padding", func() { draw.Corr2D(fig621X, fig621K, draw.Padding(-1, 0)) }, "draw.Corr2D: argument Padding: got (-1, 0), want both >= 0"},
		{"highlight", func() { draw.Corr2D(fig621X, fig621K, draw.Highlight(0, 2, 0)) }, "draw.Corr2D: argument Highlight: got (0, 2, 0)"},
		{"mode", func() { draw.Pool2D(fig621X, [2]int{2, 2}, "mean") }, `draw.Pool2D: argument mode: got "mean", want "max" or "avg"`},
		{"window", func() { draw.Pool2D(fig621X, [2]int{4, 1}, "max") }, "draw.Pool2D: argument window: got [4 1]"},
		{"strings", func() { draw.HeatMap([][]string{{"a"}}) }, "draw.HeatMap: argument m: got element type string, want numbers"},
		{"nil", func() { draw.HeatMap(nil) }, "draw.HeatMap: argument m: got nil"},
		{"labels", func() { draw.HeatMap([][][]int{{{1}}, {{2}}}, draw.Labels("a")) }, "draw.HeatMap: argument Labels: got 1 labels, want 2"},
		{"rank 1", func() { draw.HeatMap([]int{1, 2}) }, "draw.HeatMap: argument m: got shape [2] (rank 1)"},
		{"scale", func() { draw.HeatMap([][]int{{1}}, draw.Scale(1, 1)) }, "draw.HeatMap: argument Scale: got (1, 1), want lo < hi"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var got any
			func() {
				defer func() { got = recover() }()
				tc.fn()
			}()
			require.NotNil(t, got, "no panic")
			err, ok := got.(*d2l.Error)
			require.True(t, ok, "panic value %T is not a *d2l.Error (which d2l.Try catches)", got)
			assert.Contains(t, err.Error(), tc.want)
			assert.NotContains(t, err.Error(), "\n")
			assert.Error(t, d2l.Try(tc.fn), "d2l.Try turns it into an error")
		})
	}
}

func TestShowOutsideNotebook(t *testing.T) {
	dir := t.TempDir()
	t.Setenv("D2L_DRAW_DIR", dir)
	require.NoError(t, draw.Show(draw.Corr2D(fig621X, fig621K), draw.HeatMap(fig621X)))
	names, err := filepath.Glob(filepath.Join(dir, "*"))
	require.NoError(t, err)
	require.Len(t, names, 4, "SVG and PNG for each figure: %v", names)
	for _, n := range names {
		data, err := os.ReadFile(n)
		require.NoError(t, err)
		if strings.HasSuffix(n, ".svg") {
			parseSVG(t, string(data))
		} else {
			_, err := png.Decode(bytes.NewReader(data))
			require.NoError(t, err, n)
		}
	}

	// A folder that cannot be written: Show says so instead of dropping the error.
	t.Setenv("D2L_DRAW_DIR", filepath.Join(dir, "missing", "folder"))
	err = draw.Show(draw.Corr2D(fig621X, fig621K))
	require.Error(t, err)
	assert.Contains(t, err.Error(), "draw.Show: ")
	assert.Contains(t, err.Error(), "no such file or directory")

	t.Setenv("D2L_DRAW_DIR", "")
	require.NoError(t, draw.Show(draw.Corr2D(fig621X, fig621K))) // does nothing
}

func TestSave(t *testing.T) {
	dir := t.TempDir()
	f := draw.Corr2D(fig621X, fig621K)
	require.NoError(t, f.Save(filepath.Join(dir, "a.svg")))
	require.NoError(t, f.Save(filepath.Join(dir, "a.png")))
	assert.ErrorContains(t, f.Save(filepath.Join(dir, "a.jpg")), "want a name ending in .svg or .png")
	h := draw.HeatMap(fig621X)
	require.NoError(t, h.Save(filepath.Join(dir, "h.png")))
}

func ExampleCorr2D() {
	X := [][]float64{{0, 1, 2}, {3, 4, 5}, {6, 7, 8}}
	K := [][]float64{{0, 1}, {2, 3}}
	f := draw.Corr2D(X, K, draw.Highlight(0, 1, 1))
	fmt.Println(f.Text())
	// Output:
	// draw.Corr2D: input 1×3×3, kernel 1×1×2×2, padding (0, 0), stride (1, 1); 4×0 + 5×1 + 7×2 + 8×3 = 43
}

func ExamplePool2D() {
	X := [][]float64{{0, 1, 2}, {3, 4, 5}, {6, 7, 8}}
	fmt.Println(draw.Pool2D(X, [2]int{2, 2}, "max").Text())
	// Output:
	// draw.Pool2D: max pooling 2×2 of a 3×3 input, padding (0, 0), stride (1, 1); max(0, 1, 3, 4) = 4
}

func ExampleHeatMap() {
	// Two 2×3 feature maps, e.g. the output channels of a layer ([c, h, w]).
	maps := [][][]float32{{{0, 1, -1}, {0, 1, -1}}, {{0, 0, 0}, {1, 1, 1}}}
	f := draw.HeatMap(maps, draw.Labels("边缘", "横线"), draw.CellSize(20))
	img, _ := png.Decode(bytes.NewReader(f.PNG()))
	fmt.Println(f.Text())
	fmt.Println("PNG:", img.Bounds().Dx(), "×", img.Bounds().Dy())
	// Output:
	// draw.HeatMap: 2 map(s) of 2×3
	// PNG: 444 × 230
}

func TestArchitecture(t *testing.T) {
	lenet := []draw.Layer{
		{Name: "Conv2d", Detail: "Conv2d(1, 6, kernel_size=(5, 5), stride=(1, 1), padding=(2, 2))", Shape: []int{6, 28, 28}},
		{Name: "Sigmoid", Shape: []int{6, 28, 28}},
		{Name: "AvgPool2d", Shape: []int{6, 14, 14}},
		{Name: "Flatten", Shape: []int{1176}},
		{Name: "Linear", Shape: []int{10}},
	}
	tests := []struct {
		name       string
		input      []int
		layers     []draw.Layer
		opts       []draw.Option
		layerTexts [][]string // texts of each layer group: name, detail, shape
		inputTexts []string
		desc       string
	}{
		{
			name: "LeNet's first layers", input: []int{1, 28, 28}, layers: lenet,
			layerTexts: [][]string{
				{"Conv2d", "Conv2d(1, 6, kernel_size=(5, 5), stride=(1, 1), padding=(2, 2))", "6×28×28"},
				{"Sigmoid", "6×28×28"}, {"AvgPool2d", "6×14×14"}, {"Flatten", "1176"}, {"Linear", "10"},
			},
			inputTexts: []string{"输入", "1×28×28"},
			desc:       "draw.Architecture: 输入 1×28×28 → Conv2d 6×28×28 → Sigmoid 6×28×28 → AvgPool2d 6×14×14 → Flatten 1176 → Linear 10",
		},
		{
			name: "one layer, named input, title", input: []int{4}, layers: []draw.Layer{{Name: "Linear", Shape: []int{2}}},
			opts:       []draw.Option{draw.Labels("x"), draw.Title("MLP")},
			layerTexts: [][]string{{"Linear", "2"}},
			inputTexts: []string{"x", "4"},
			desc:       "draw.Architecture: x 4 → Linear 2, MLP",
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			f := draw.Architecture(tc.input, tc.layers, tc.opts...)
			p := parseSVG(t, f.SVG())
			assert.Equal(t, tc.layerTexts, p.groups["layer"])
			assert.Equal(t, [][]string{tc.inputTexts}, p.groups["input"])
			assert.Equal(t, tc.desc, p.desc)
			assert.Equal(t, tc.desc, f.Text())
			img, err := png.Decode(bytes.NewReader(f.PNG()))
			require.NoError(t, err)
			w, h := f.Size()
			assert.Equal(t, [2]int{int(2 * w), int(2 * h)}, [2]int{img.Bounds().Dx(), img.Bounds().Dy()}, "PNG form: twice the SVG's size")
			// Taller with every layer: at least 50 units a layer.
			assert.GreaterOrEqual(t, h, 50*float64(len(tc.layers)))
		})
	}
	// Boxes are coloured by kind: the conv box is blue, the pool box green (in the PNG).
	f := draw.Architecture([]int{1, 28, 28}, lenet)
	assert.Contains(t, f.SVG(), `fill="#c6dbef"`)
	assert.Contains(t, f.SVG(), `fill="#c7e9c0"`)
	assert.Contains(t, f.SVG(), `fill="#fdd0a2"`)

	assert.PanicsWithError(t, "draw.Architecture: argument layers: got none, want at least one layer", func() { draw.Architecture([]int{1}, nil) })
	assert.PanicsWithError(t, "draw.Architecture: argument layers[0]: got an empty Name, want the layer's name", func() {
		draw.Architecture([]int{1}, []draw.Layer{{Shape: []int{1}}})
	})
}

// TestBars: one bar per value, its height proportional to the value, the
// highlighted bar in another colour; bad input panics with a d2l message.
func TestBars(t *testing.T) {
	f := draw.Bars([]string{"0–10", "10–20", "20–30"}, []float64{2, 5, 0}, draw.Title("分数分布"), draw.Labels("students"), draw.Highlight(0, 0, 1))
	svg := f.SVG()
	assert.Contains(t, svg, `data-role="bars"`)
	assert.Contains(t, svg, ">10–20<")
	assert.Contains(t, svg, "分数分布")
	bars := regexp.MustCompile(`<rect x="[0-9.]+" y="([0-9.]+)" width="22" height="([0-9.]+)" fill="(#[0-9a-f]+)"/>`).FindAllStringSubmatch(svg, -1)
	require.Len(t, bars, 2, "two bars drawn (the zero bar has none)")
	h0, _ := strconv.ParseFloat(bars[0][2], 64)
	h1, _ := strconv.ParseFloat(bars[1][2], 64)
	assert.InDelta(t, 2.0/5, h0/h1, 1e-6, "heights proportional to the values")
	assert.NotEqual(t, bars[0][3], bars[1][3], "the highlighted bar has another colour")
	w, h := f.Size()
	assert.Greater(t, w, 100.0)
	assert.Greater(t, h, 150.0)
	assert.NotEmpty(t, f.PNG())
	for _, bad := range []func(){
		func() { draw.Bars([]string{"a"}, []float64{1, 2}) },
		func() { draw.Bars(nil, nil) },
		func() { draw.Bars([]string{"a"}, []float64{-1}) },
	} {
		err := d2l.Try(bad)
		require.Error(t, err)
		assert.Contains(t, err.Error(), "draw.Bars")
	}
}
