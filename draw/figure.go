package draw

import (
	"errors"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"sync/atomic"

	"github.com/d2l-go/d2l-go/internal/d2lerr"
	"github.com/d2l-go/d2l-go/internal/gonbio"
	"github.com/janpfeifer/gonb/gonbui/protocol"
)

// Figure is one picture, in two forms of the same drawing: SVG, and PNG at twice the
// SVG's size (sharp on high-density screens). Notebooks show the SVG where the viewer
// renders it and the PNG elsewhere (an untrusted Jupyter notebook skips SVG).
type Figure struct {
	name string // short name used for file names, e.g. "corr2d"
	svg  string
	png  []byte
	w, h float64 // size in SVG units (CSS pixels)
	text string  // one-line description, also in the SVG's <desc>
}

// newFigure renders the drawing of b in both forms.
func newFigure(name string, b *canvas, desc string) *Figure {
	w, h := b.size()
	return &Figure{name: name, svg: b.svg(desc), png: b.png(), w: w, h: h, text: desc}
}

// Size returns the figure's width and height in CSS pixels (its PNG has twice as many).
func (f *Figure) Size() (w, h float64) { return f.w, f.h }

// Text returns a one-line description of the figure in plain text, with the
// highlighted sums written out, e.g.
// "draw.Corr2D: input 1×3×3, kernel 1×1×2×2, padding (0, 0), stride (1, 1); 0×0 + 1×1 + 3×2 + 4×3 = 19".
func (f *Figure) Text() string { return f.text }

// SVG returns the figure as a standalone SVG document.
func (f *Figure) SVG() string { return f.svg }

// PNG returns the same drawing as PNG bytes, at twice the SVG's size.
func (f *Figure) PNG() []byte { return f.png }

// Save writes the figure to path; the extension picks the form: ".svg" or ".png". A bad
// extension is a *d2l.Error; a failed write is returned as the file system reports it.
func (f *Figure) Save(path string) error {
	switch strings.ToLower(filepath.Ext(path)) {
	case ".svg":
		return os.WriteFile(path, []byte(f.svg), 0o644)
	case ".png":
		return os.WriteFile(path, f.png, 0o644)
	}
	return &d2lerr.Error{Func: "draw.Figure.Save", Arg: "path", Got: fmt.Sprintf("%q", path), Want: "a name ending in .svg or .png"}
}

// displayData is the figure as one Jupyter display output: the SVG, the PNG shown at the
// SVG's size, and the one-line description as plain text, and no HTML, which an untrusted
// notebook would sanitize (dropping the SVG inside it). displayID, when set, makes the output
// one that later displays with the same id replace.
func (f *Figure) displayData(displayID string) *protocol.DisplayData {
	return &protocol.DisplayData{
		Data: map[protocol.MIMEType]any{
			protocol.MIMEImageSVG:  f.svg,
			protocol.MIMEImagePNG:  f.png,
			protocol.MIMETextPlain: f.text,
		},
		Metadata: map[string]any{
			string(protocol.MIMEImagePNG): map[string]int{"width": int(f.w), "height": int(f.h)}, // a type GoNB registers with gob
		},
		DisplayID: displayID,
	}
}

var saved atomic.Int64

// Show displays the figures, one after the other, in the output of the current
// GoNB cell. Each figure is sent as one output with its SVG, its PNG (shown at
// the SVG's size) and its description as plain text, so that every viewer has a
// form it renders: Jupyter shows the SVG in a trusted notebook and the PNG in an
// untrusted one (every freshly cloned notebook), GitHub and nbviewer show them too.
//
// Outside a notebook Show does nothing, unless $D2L_DRAW_DIR is set: then each
// figure is written there as NN-name.svg and NN-name.png.
//
// It returns the first error met (sending a figure to the notebook, writing a file); the
// other figures are still shown. A cell may ignore it, as it ignores fmt.Println's.
func Show(figs ...*Figure) error {
	var first error
	keep := func(err error) {
		if err != nil && first == nil {
			first = err
		}
	}
	for _, f := range figs {
		if f == nil {
			continue
		}
		if gonbio.IsNotebook {
			keep(gonbio.SendData(f.displayData("")))
			continue
		}
		keep(saveToDrawDir(f))
	}
	if gonbio.IsNotebook {
		gonbio.Sync()
	}
	if first != nil {
		return fmt.Errorf("draw.Show: %w", first)
	}
	return nil
}

// saveToDrawDir writes f into $D2L_DRAW_DIR, if set.
func saveToDrawDir(f *Figure) error {
	dir := os.Getenv("D2L_DRAW_DIR")
	if dir == "" {
		return nil
	}
	n := saved.Add(1)
	base := filepath.Join(dir, fmt.Sprintf("%02d-%s", n, f.name))
	return errors.Join(f.Save(base+".svg"), f.Save(base+".png"))
}

// Live is a place in a cell's output where a figure is shown and then replaced, in
// place, by newer figures: an animation such as a training curve. The last figure
// shown stays, as an ordinary figure output (SVG and PNG), in the saved notebook.
// The zero value is not usable; use NewLive.
type Live struct {
	id    string
	shown bool
}

// NewLive returns a Live with a fresh display id. Nothing is shown until its first Show.
func NewLive() *Live { return &Live{id: "d2l_live_" + gonbio.UniqueID()} }

// Show displays f at the Live's place, replacing what it showed before. Outside a
// notebook it does nothing (not even with $D2L_DRAW_DIR; see Shown and Show). It returns the
// error of sending the figure to the notebook, if any.
func (l *Live) Show(f *Figure) error {
	if f == nil || !gonbio.IsNotebook {
		return nil
	}
	err := gonbio.SendData(f.displayData(l.id))
	gonbio.Sync()
	l.shown = err == nil
	if err != nil {
		return fmt.Errorf("draw.Live.Show: %w", err)
	}
	return nil
}

// Shown reports whether the Live has displayed a figure.
func (l *Live) Shown() bool { return l.shown }

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

// maxDiagramWidth is the widest a grid diagram is drawn unless CellSize says otherwise: about
// the width of Jupyter Notebook's output area on a laptop's screen, so that a diagram of a big
// input (6.3's explore(30, 3, 1, 1)) is drawn smaller instead of being cut off at the right.
const maxDiagramWidth = 880.0

// fitCell returns the cell size of a diagram whose width is fixed pixels plus cols cells:
// cellSize(), shrunk when that would make the diagram wider than maxDiagramWidth (not when
// the CellSize option sets it).
func (c *config) fitCell(cols, fixed float64) float64 {
	cell := c.cellSize()
	if c.cell > 0 || fixed+cols*cell <= maxDiagramWidth {
		return cell
	}
	return math.Max(4, math.Floor((maxDiagramWidth-fixed)/cols))
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

// fail panics with a one-line *d2l.Error: "draw.Fn: argument a: got ..., want ...", which
// d2l.Try turns into an error.
func fail(fn, arg, want, gotFormat string, args ...any) {
	d2lerr.Fail(fn, arg, want, gotFormat, args...)
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
			fail(fn, fmt.Sprintf("%s", arg), "a matrix", "a nil %T", v)
		}
		v = t.Value()
	}
	var a array
	if v == nil {
		fail(fn, fmt.Sprintf("%s", arg), "a matrix (nested slices of numbers or a tensor)", "nil")
	}
	var walk func(rv reflect.Value, depth int)
	walk = func(rv reflect.Value, depth int) {
		switch rv.Kind() {
		case reflect.Slice, reflect.Array:
			n := rv.Len()
			if depth == len(a.dims) {
				a.dims = append(a.dims, n)
			} else if a.dims[depth] != n {
				fail(fn, fmt.Sprintf("%s", arg), "equal lengths", "a ragged slice (length %d and %d at depth %d)", a.dims[depth], n, depth)
			}
			if n == 0 {
				fail(fn, fmt.Sprintf("%s", arg), "at least one element", "an empty slice at depth %d", depth)
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
			fail(fn, fmt.Sprintf("%s", arg), "numbers", "element type %s", rv.Type())
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
		fail(fn, fmt.Sprintf("%s", arg), "a regular nested slice", "numbers at depth %d and %d", depth, len(a.dims))
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
		fail(fn, fmt.Sprintf("%s", arg), fmt.Sprintf("rank %s", rankNames(ranks)), "shape %v (rank %d)", a.dims, len(a.dims))
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
