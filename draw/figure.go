package draw

import (
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"sync/atomic"

	"github.com/janpfeifer/gonb/gonbui"
	"github.com/janpfeifer/gonb/gonbui/protocol"
)

// Figure is one picture. Diagrams have only an SVG form; heat maps have both an
// SVG form (with titles and a colour scale) and a PNG form (the raw image).
type Figure struct {
	name string // short name used for file names, e.g. "corr2d"
	svg  string
	png  []byte
	text string // one-line description, also in the SVG's <desc>
}

// Text returns a one-line description of the figure in plain text, with the
// highlighted sums written out, e.g.
// "draw.Corr2D: input 1×3×3, kernel 1×1×2×2, padding (0, 0), stride (1, 1); 0×0 + 1×1 + 3×2 + 4×3 = 19".
func (f *Figure) Text() string { return f.text }

// SVG returns the figure as a standalone SVG document ("" if it has none).
func (f *Figure) SVG() string { return f.svg }

// PNG returns the figure as PNG bytes, or nil when the figure is a diagram
// that only exists as SVG.
func (f *Figure) PNG() []byte { return f.png }

// Save writes the figure to path; the extension picks the form: ".svg" or ".png".
func (f *Figure) Save(path string) error {
	switch strings.ToLower(filepath.Ext(path)) {
	case ".svg":
		if f.svg == "" {
			return fmt.Errorf("draw.Figure.Save: argument path: got %q, want a .png path (this figure has no SVG form)", path)
		}
		return os.WriteFile(path, []byte(f.svg), 0o644)
	case ".png":
		if f.png == nil {
			return fmt.Errorf("draw.Figure.Save: argument path: got %q, want a .svg path (this figure has no PNG form)", path)
		}
		return os.WriteFile(path, f.png, 0o644)
	}
	return fmt.Errorf("draw.Figure.Save: argument path: got %q, want a name ending in .svg or .png", path)
}

var saved atomic.Int64

// Show displays the figures, one after the other, in the output of the current
// GoNB cell. Each figure is sent with several MIME types (image/svg+xml,
// text/html and, for heat maps, image/png) so that Jupyter, nbconvert and
// GitHub can each pick the one they render.
//
// Outside a notebook Show does nothing, unless $D2L_DRAW_DIR is set: then each
// figure is written there as NN-name.svg (and NN-name.png when it has one).
func Show(figs ...*Figure) {
	for _, f := range figs {
		if f == nil {
			continue
		}
		if gonbui.IsNotebook {
			data := map[protocol.MIMEType]any{}
			if f.svg != "" {
				data[protocol.MIMEImageSVG] = f.svg
				data[protocol.MIMETextHTML] = "<div>" + f.svg + "</div>"
			}
			if f.png != nil {
				data[protocol.MIMEImagePNG] = f.png
			}
			gonbui.SendData(&protocol.DisplayData{Data: data})
			continue
		}
		dir := os.Getenv("D2L_DRAW_DIR")
		if dir == "" {
			continue
		}
		n := saved.Add(1)
		base := filepath.Join(dir, fmt.Sprintf("%02d-%s", n, f.name))
		if f.svg != "" {
			_ = f.Save(base + ".svg")
		}
		if f.png != nil {
			_ = f.Save(base + ".png")
		}
	}
	if gonbui.IsNotebook {
		gonbui.Sync()
	}
}

// Option changes how a figure is drawn. Options that do not apply to a figure
// are ignored.
type Option func(*config)

type config struct {
	padding   [2]int
	stride    [2]int
	highlight [][3]int
	title     string
	labels    []string
	cell      int
	scale     *[2]float64
}

// cellSize is the side of one grid cell of a diagram in pixels: the Cell option, else 36.
func (c *config) cellSize() float64 {
	if c.cell <= 0 {
		return 36
	}
	return float64(c.cell)
}

func newConfig(opts []Option) *config {
	c := &config{stride: [2]int{1, 1}}
	for _, o := range opts {
		o(c)
	}
	return c
}

// Padding pads the input with zeros: h rows on the top and on the bottom, w
// columns on the left and on the right (per side, as PyTorch's padding=(h, w)).
// The padded cells are drawn shaded. For diagrams only.
func Padding(h, w int) Option { return func(c *config) { c.padding = [2]int{h, w} } }

// Stride moves the window h rows down and w columns right at each step
// (PyTorch's stride=(h, w)). The default is (1, 1), also for Pool2D (as the
// book's pool2d); pass the window size to draw nn.MaxPool2d's default. For
// diagrams only.
func Stride(h, w int) Option { return func(c *config) { c.stride = [2]int{h, w} } }

// Highlight marks output element [o, i, j] (output channel o, row i, column j),
// the input window and the kernel that produce it, and writes its sum out
// below the figure. Repeat it to mark several elements, each in its own colour.
// Without it a diagram highlights [0, 0, 0]. For single-output diagrams o is 0.
func Highlight(o, i, j int) Option {
	return func(c *config) { c.highlight = append(c.highlight, [3]int{o, i, j}) }
}

// Title puts a line of text above the figure; for a heat map of several
// matrices, the titles of the maps are given with Labels instead.
func Title(s string) Option { return func(c *config) { c.title = s } }

// Labels names the parts of a figure: for diagrams the input, kernel and
// output (default "输入", "核", "输出"; pooling uses the first and last); for a
// heat map of several matrices, one label per map (default "0", "1", ...).
func Labels(s ...string) Option { return func(c *config) { c.labels = s } }

// CellSize sets the side of one matrix element in pixels (default: 36 for
// diagrams; for heat maps chosen so that a map is about 200 pixels wide).
func CellSize(px int) Option { return func(c *config) { c.cell = px } }

// Scale fixes the colour scale of a heat map to [lo, hi] for every map, instead
// of each map's own range: grey levels (lo black, hi white) when lo >= 0, else
// the diverging scale with ±max(|lo|, |hi|) at full colour. Use it to compare
// maps, or to draw a 0/1 mask (0 black, 1 white) even when all values are equal.
func Scale(lo, hi float64) Option { return func(c *config) { c.scale = &[2]float64{lo, hi} } }

// failf panics with a one-line message: "draw.Fn: argument a: got ..., want ...".
func failf(format string, args ...any) {
	panic(fmt.Errorf(format, args...))
}

// valuer is satisfied by GoMLX's *tensors.Tensor.
type valuer interface{ Value() any }

// array is a dense row-major array of float64 with its dimensions.
type array struct {
	dims []int
	data []float64
}

// toArray converts nested numeric slices (or a Value()-er) into an array.
// Leading dimensions of size 1 are squeezed away, down to minRank.
func toArray(fn, arg string, v any, minRank int) array {
	if t, ok := v.(valuer); ok {
		if rv := reflect.ValueOf(v); rv.Kind() == reflect.Pointer && rv.IsNil() {
			failf("%s: argument %s: got a nil %T, want a matrix", fn, arg, v)
		}
		v = t.Value()
	}
	var a array
	if v == nil {
		failf("%s: argument %s: got nil, want a matrix (nested slices of numbers or a tensor)", fn, arg)
	}
	var walk func(rv reflect.Value, depth int)
	walk = func(rv reflect.Value, depth int) {
		switch rv.Kind() {
		case reflect.Slice, reflect.Array:
			n := rv.Len()
			if depth == len(a.dims) {
				a.dims = append(a.dims, n)
			} else if a.dims[depth] != n {
				failf("%s: argument %s: got a ragged slice (length %d and %d at depth %d), want equal lengths", fn, arg, a.dims[depth], n, depth)
			}
			if n == 0 {
				failf("%s: argument %s: got an empty slice at depth %d, want at least one element", fn, arg, depth)
			}
			for i := 0; i < n; i++ {
				walk(rv.Index(i), depth+1)
			}
		case reflect.Float32, reflect.Float64:
			a.checkLeaf(fn, arg, depth)
			a.data = append(a.data, rv.Float())
		case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
			a.checkLeaf(fn, arg, depth)
			a.data = append(a.data, float64(rv.Int()))
		case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
			a.checkLeaf(fn, arg, depth)
			a.data = append(a.data, float64(rv.Uint()))
		case reflect.Interface:
			walk(rv.Elem(), depth)
		default:
			failf("%s: argument %s: got element type %s, want numbers", fn, arg, rv.Type())
		}
	}
	walk(reflect.ValueOf(v), 0)
	for len(a.dims) > minRank && a.dims[0] == 1 {
		a.dims = a.dims[1:]
	}
	return a
}

func (a *array) checkLeaf(fn, arg string, depth int) {
	if depth != len(a.dims) {
		failf("%s: argument %s: got numbers at depth %d and %d, want a regular nested slice", fn, arg, depth, len(a.dims))
	}
}

// matrices returns the array as a list of [h][w] matrices: rank 2 gives one,
// rank 3 gives dims[0] of them. want is the accepted ranks for the message.
func (a array) matrices(fn, arg string, ranks ...int) [][][]float64 {
	ok := false
	for _, r := range ranks {
		ok = ok || len(a.dims) == r
	}
	if !ok {
		failf("%s: argument %s: got shape %v (rank %d), want rank %s", fn, arg, a.dims, len(a.dims), rankNames(ranks))
	}
	n, h, w := 1, a.dims[len(a.dims)-2], a.dims[len(a.dims)-1]
	if len(a.dims) == 3 {
		n = a.dims[0]
	}
	out := make([][][]float64, n)
	k := 0
	for c := range out {
		out[c] = make([][]float64, h)
		for i := range out[c] {
			out[c][i] = a.data[k : k+w : k+w]
			k += w
		}
	}
	return out
}

func rankNames(ranks []int) string {
	names := map[int]string{2: "2 [h, w]", 3: "3 [c, h, w]", 4: "4 [co, ci, kh, kw]"}
	var s []string
	for _, r := range ranks {
		s = append(s, names[r])
	}
	return strings.Join(s, " or ")
}
