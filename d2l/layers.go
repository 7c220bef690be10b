package d2l

import (
	"fmt"
	"math"

	"github.com/d2l-go/d2l-go/cnn"
	"github.com/gomlx/gomlx/core/graph"
	"github.com/gomlx/gomlx/core/tensors"
)

// Option configures NewConv2d, NewMaxPool2d and NewAvgPool2d (PyTorch's keyword arguments):
// KernelSize, Padding, Stride and Bias.
type Option func(*layerOptions)

type layerOptions struct {
	kernel, stride, padding [2]int
	hasKernel, hasStride    bool
	hasPadding              bool
	bias, hasBias           bool
	// paired records options given as (h, w) rather than (h), for printing as PyTorch does.
	paired map[string]bool
	errs   []*Error // bad option values, reported by the constructor
}

// pairOption builds [h, w] from (h) or (h, w).
func pairOption(name string, hw []int, set func(o *layerOptions, p [2]int)) Option {
	return func(o *layerOptions) {
		if o.paired == nil {
			o.paired = map[string]bool{}
		}
		o.paired[name] = len(hw) == 2
		switch len(hw) {
		case 1:
			set(o, [2]int{hw[0], hw[0]})
		case 2:
			set(o, [2]int{hw[0], hw[1]})
		default:
			o.errs = append(o.errs, &Error{Arg: name, Got: fmt.Sprintf("%d values %v", len(hw), hw), Want: "(h) or (h, w)"})
		}
	}
}

// KernelSize sets the window size: KernelSize(3) is 3x3, KernelSize(5, 3) is 5 high and 3 wide
// (kernel_size=3 or kernel_size=(5, 3)). Required for every layer.
func KernelSize(hw ...int) Option {
	return pairOption("KernelSize", hw, func(o *layerOptions, p [2]int) { o.kernel, o.hasKernel = p, true })
}

// Padding sets the padding per side: Padding(1) adds one row/column of zeros on every side,
// Padding(2, 1) two rows at top and bottom and one column left and right (padding=(2, 1)).
// Default 0.
func Padding(hw ...int) Option {
	return pairOption("Padding", hw, func(o *layerOptions, p [2]int) { o.padding, o.hasPadding = p, true })
}

// Stride sets the step between windows: Stride(2) or Stride(3, 4) (stride=(3, 4)). Default 1 for
// Conv2d, the window size for pooling layers.
func Stride(hw ...int) Option {
	return pairOption("Stride", hw, func(o *layerOptions, p [2]int) { o.stride, o.hasStride = p, true })
}

// Bias says whether Conv2d adds a learnable bias per output channel (bias=False drops it).
// Default true. Not accepted by pooling layers.
func Bias(enabled bool) Option {
	return func(o *layerOptions) { o.bias, o.hasBias = enabled, true }
}

// applyOptions collects options and panics with the first bad one, naming fn.
func applyOptions(fn string, opts []Option) *layerOptions {
	o := &layerOptions{bias: true}
	for i, opt := range opts {
		if opt == nil {
			fail(fn, fmt.Sprintf("opts[%d]", i), "an Option (KernelSize, Padding, Stride, Bias)", "nil")
		}
		opt(o)
	}
	if len(o.errs) > 0 {
		e := *o.errs[0]
		e.Func = fn
		panic(&e)
	}
	if !o.hasKernel {
		fail(fn, "KernelSize", "d2l.KernelSize(k) or d2l.KernelSize(kh, kw)", "no KernelSize option")
	}
	checkPair(fn, "KernelSize", o.kernel, 1, "window sizes >= 1")
	if o.hasStride {
		checkPair(fn, "Stride", o.stride, 1, "strides >= 1")
	}
	checkPair(fn, "Padding", o.padding, 0, "padding >= 0")
	return o
}

// Conv2d is PyTorch's nn.Conv2d (groups=1, dilation=1, zero padding): a learnable convolution
// layer mapping [n, InChannels, h, w] to [n, OutChannels, h', w'] with
// h' = floor((h + 2*Padding[0] - KernelSize[0]) / Stride[0]) + 1 (and likewise w').
// Weight and Bias are exported: read them, or set them to tensors of the same shapes.
type Conv2d struct {
	// InChannels and OutChannels are ci and co of the weight [co, ci, kh, kw].
	InChannels, OutChannels int
	// KernelSize, Stride and Padding are [h, w] pairs; Padding is per side.
	KernelSize, Stride, Padding [2]int
	// Weight is [OutChannels, InChannels, kh, kw]; it is initialised, as in PyTorch, uniformly in
	// [-1/sqrt(fanIn), 1/sqrt(fanIn)) with fanIn = InChannels*kh*kw.
	Weight *tensors.Tensor
	// Bias is [OutChannels], initialised like Weight; nil when created with Bias(false).
	Bias *tensors.Tensor
}

// NewConv2d creates a Conv2d (nn.Conv2d(inChannels, outChannels, kernel_size, stride, padding,
// bias)):
//
//	conv := d2l.NewConv2d(1, 1, d2l.KernelSize(3), d2l.Padding(1), d2l.Stride(2))
//	conv := d2l.NewConv2d(1, 1, d2l.KernelSize(1, 2), d2l.Bias(false))
//
// Initial weights come from the generator that Seed resets.
func NewConv2d(inChannels, outChannels int, opts ...Option) *Conv2d {
	const fn = "d2l.NewConv2d"
	if inChannels < 1 {
		fail(fn, "inChannels", "inChannels >= 1", "%d", inChannels)
	}
	if outChannels < 1 {
		fail(fn, "outChannels", "outChannels >= 1", "%d", outChannels)
	}
	o := applyOptions(fn, opts)
	if !o.hasStride {
		o.stride = [2]int{1, 1}
	}
	c := &Conv2d{InChannels: inChannels, OutChannels: outChannels, KernelSize: o.kernel, Stride: o.stride, Padding: o.padding}
	bound := 1 / math.Sqrt(float64(inChannels*o.kernel[0]*o.kernel[1]))
	c.Weight = uniform(bound, outChannels, inChannels, o.kernel[0], o.kernel[1])
	if o.bias {
		c.Bias = uniform(bound, outChannels)
	}
	return c
}

// String describes the layer as PyTorch does:
// Conv2d(1, 1, kernel_size=(3, 3), stride=(2, 2), padding=(1, 1)).
func (c *Conv2d) String() string {
	s := fmt.Sprintf("Conv2d(%d, %d, kernel_size=(%d, %d), stride=(%d, %d)", c.InChannels, c.OutChannels,
		c.KernelSize[0], c.KernelSize[1], c.Stride[0], c.Stride[1])
	if c.Padding != [2]int{} {
		s += fmt.Sprintf(", padding=(%d, %d)", c.Padding[0], c.Padding[1])
	}
	if c.Bias == nil {
		s += ", bias=False"
	}
	return s + ")"
}

// Forward applies the layer: X [n, ci, h, w] -> [n, co, h', w'] (or, unbatched,
// [ci, h, w] -> [co, h', w']). The kernel size is Weight's [kh, kw].
func (c *Conv2d) Forward(X *tensors.Tensor) *tensors.Tensor {
	const fn = "d2l.Conv2d.Forward"
	defer guard(fn)
	if c == nil {
		fail(fn, "conv", "a layer made by d2l.NewConv2d", "nil *Conv2d")
	}
	checkLayerInput(fn, c, X)
	cfg := cnn.ConvConfig{Stride: c.Stride, Padding: c.Padding}
	// The graph functions below are cached by key: they may only capture what the key holds.
	if c.Bias == nil {
		return exec2(fmt.Sprintf("conv2d/%v", cfg), func(x, w *graph.Node) *graph.Node {
			return unbatch(cnn.Conv2D(batch(x), w, cfg), x.Rank() == 3)
		}, X, c.Weight)
	}
	return exec3(fmt.Sprintf("conv2d+bias/%v", cfg), func(x, w, b *graph.Node) *graph.Node {
		return unbatch(cnn.Conv2DBias(batch(x), w, b, cfg), x.Rank() == 3)
	}, X, c.Weight, c.Bias)
}

// Params returns the weight (re-drawn by InitXavier) and, unless the layer was made with
// Bias(false), the bias.
func (c *Conv2d) Params() []Param {
	ps := []Param{{Name: "weight", Ref: &c.Weight, Xavier: true}}
	if c.Bias != nil {
		ps = append(ps, Param{Name: "bias", Ref: &c.Bias})
	}
	return ps
}

// Check reports a bad stride or padding, a Weight that is not [co, ci, kh, kw], a Bias that is
// not [co], or an input x ([n, ci, h, w] or [ci, h, w]) with other than ci channels or smaller
// than the window.
func (c *Conv2d) Check(x []int) error {
	return Try(func() {
		const fn = "d2l.Conv2d"
		checkPair(fn, "Stride", c.Stride, 1, "strides >= 1")
		checkPair(fn, "Padding", c.Padding, 0, "padding >= 0")
		dw := checkFinite(fn, "Weight", c.Weight, "rank 4 [co, ci, kh, kw]", 4)
		checkNonEmpty(fn, "Weight", dw)
		if c.Bias != nil {
			want := fmt.Sprintf("shape [%d] (one per output channel)", dw[0])
			if db := checkFinite(fn, "Bias", c.Bias, want, 1); db[0] != dw[0] {
				fail(fn, "Bias", want, "shape %v", db)
			}
		}
		if len(x) != 3 && len(x) != 4 {
			fail(fn, "X", "rank 4 [n, ci, h, w] (or rank 3 [ci, h, w])", "shape %v (rank %d)", x, len(x))
		}
		checkNonEmpty(fn, "X", x)
		if ci := x[len(x)-3]; dw[1] != ci {
			fail(fn, "X", fmt.Sprintf("%d input channels (Weight is %v)", dw[1], dw), "shape %v (%d channels)", x, ci)
		}
		checkFits(fn, x[len(x)-2], x[len(x)-1], dw[2], dw[3], c.Padding, "X")
	})
}

// Build adds the convolution to a graph: x [n, ci, h, w] (or [ci, h, w]), params Weight and
// (if set) Bias.
func (c *Conv2d) Build(x *graph.Node, params []*graph.Node) *graph.Node {
	cfg := cnn.ConvConfig{Stride: c.Stride, Padding: c.Padding}
	var b *graph.Node
	if len(params) == 2 {
		b = params[1]
	}
	return unbatch(cnn.Conv2DBias(batch(x), params[0], b, cfg), x.Rank() == 3)
}

func (c *Conv2d) spec() (Layer, string) {
	return c, fmt.Sprintf("Conv2d s=%v p=%v bias=%v", c.Stride, c.Padding, c.Bias != nil)
}

// batch adds a batch axis to an unbatched [c, h, w] node.
func batch(x *graph.Node) *graph.Node {
	if x.Rank() == 3 {
		return graph.InsertAxes(x, 0)
	}
	return x
}

// unbatch removes the batch axis added by batch.
func unbatch(y *graph.Node, unbatched bool) *graph.Node {
	if unbatched {
		return graph.Reshape(y, y.Shape().Dimensions[1:]...)
	}
	return y
}

// CompConv2D is the book's comp_conv2d: it runs conv on X [h, w] viewed as [1, 1, h, w] and
// returns the spatial result [h', w']. conv must have one input and one output channel.
func CompConv2D(conv *Conv2d, X *tensors.Tensor) *tensors.Tensor {
	const fn = "d2l.CompConv2D"
	if conv == nil {
		fail(fn, "conv", "a layer made by d2l.NewConv2d", "nil *Conv2d")
	}
	dx := checkFinite(fn, "X", X, "rank 2 [h, w]", 2)
	if conv.Weight != nil && conv.Weight.Rank() == 4 {
		if d := dims(conv.Weight); d[0] != 1 || d[1] != 1 {
			fail(fn, "conv", "a Conv2d with 1 input and 1 output channel", "Weight shape %v", d)
		}
	}
	y := conv.Forward(Reshape(X, 1, 1, dx[0], dx[1]))
	dy := dims(y)
	return Reshape(y, dy[2:]...)
}

// pool2d is the shared implementation of MaxPool2d and AvgPool2d.
type pool2d struct {
	// KernelSize, Stride and Padding are [h, w] pairs; Padding is per side.
	KernelSize, Stride, Padding [2]int
	// paired records which options were given as (h, w), for String.
	paired map[string]bool
}

func newPool(fn string, opts []Option) pool2d {
	o := applyOptions(fn, opts)
	if o.hasBias {
		fail(fn, "Bias", "only KernelSize, Stride and Padding for pooling layers", "Bias(%v)", o.bias)
	}
	if !o.hasStride {
		o.stride = o.kernel
		o.paired["Stride"] = o.paired["KernelSize"]
	}
	p := pool2d{KernelSize: o.kernel, Stride: o.stride, Padding: o.padding, paired: o.paired}
	p.checkPadding(fn)
	return p
}

// checkPadding enforces PyTorch's rule: padding at most half the window.
func (p pool2d) checkPadding(fn string) {
	checkPair(fn, "KernelSize", p.KernelSize, 1, "window sizes >= 1")
	checkPair(fn, "Stride", p.Stride, 1, "strides >= 1")
	checkPair(fn, "Padding", p.Padding, 0, "padding >= 0")
	if 2*p.Padding[0] > p.KernelSize[0] || 2*p.Padding[1] > p.KernelSize[1] {
		fail(fn, "Padding", fmt.Sprintf("at most half the window %v, i.e. <= (%d, %d)", p.KernelSize[:], p.KernelSize[0]/2, p.KernelSize[1]/2),
			"%v", p.Padding[:])
	}
}

// forward runs the eager pooling through cnn.MaxPool2DForward or cnn.AvgPool2DForward (the
// formulation fastest without a gradient).
func (p pool2d) forward(fn, mode string, l Layer, X *tensors.Tensor) *tensors.Tensor {
	defer guard(fn)
	checkLayerInput(fn, l, X)
	cfg := p.config()
	// The graph function is cached by key: it may only capture what the key holds.
	return exec1(fmt.Sprintf("%s/%v", mode, cfg), func(x *graph.Node) *graph.Node {
		if mode == "maxpool2d" {
			return unbatch(cnn.MaxPool2DForward(batch(x), cfg), x.Rank() == 3) // eager: no gradient taken
		}
		return unbatch(cnn.AvgPool2DForward(batch(x), cfg), x.Rank() == 3) // eager: no gradient taken
	}, X)
}

func (p pool2d) config() cnn.PoolConfig {
	return cnn.PoolConfig{Kernel: p.KernelSize, Stride: p.Stride, Padding: p.Padding}
}

// check validates the configuration and an input x ([n, c, h, w] or [c, h, w]).
func (p pool2d) check(name string, x []int) error {
	return Try(func() {
		fn := "d2l." + name
		p.checkPadding(fn)
		if len(x) != 3 && len(x) != 4 {
			fail(fn, "X", "rank 4 [n, c, h, w] (or rank 3 [c, h, w])", "shape %v (rank %d)", x, len(x))
		}
		checkNonEmpty(fn, "X", x)
		checkFits(fn, x[len(x)-2], x[len(x)-1], p.KernelSize[0], p.KernelSize[1], p.Padding, "X")
	})
}

// describe prints the layer as PyTorch does: sizes given as one number print as one number.
func (p pool2d) describe(name, extra string) string {
	pair := func(opt string, v [2]int) string {
		if !p.paired[opt] && v[0] == v[1] {
			return fmt.Sprint(v[0])
		}
		return fmt.Sprintf("(%d, %d)", v[0], v[1])
	}
	return fmt.Sprintf("%s(kernel_size=%s, stride=%s, padding=%s%s)", name, pair("KernelSize", p.KernelSize),
		pair("Stride", p.Stride), pair("Padding", p.Padding), extra)
}

// MaxPool2d is PyTorch's nn.MaxPool2d (dilation=1, ceil_mode=False): the maximum of each window,
// [n, c, h, w] -> [n, c, h', w'] with h' = floor((h + 2*Padding[0] - KernelSize[0]) / Stride[0]) + 1.
// Padding never wins the maximum.
type MaxPool2d struct{ pool2d }

// NewMaxPool2d creates a MaxPool2d (nn.MaxPool2d(kernel_size, stride, padding)); the stride
// defaults to the window and the padding may be at most half the window:
//
//	pool := d2l.NewMaxPool2d(d2l.KernelSize(3), d2l.Padding(1), d2l.Stride(2))
func NewMaxPool2d(opts ...Option) *MaxPool2d {
	return &MaxPool2d{newPool("d2l.NewMaxPool2d", opts)}
}

// Forward applies max pooling: X [n, c, h, w] -> [n, c, h', w'] (or [c, h, w] -> [c, h', w']).
func (p *MaxPool2d) Forward(X *tensors.Tensor) *tensors.Tensor {
	if p == nil {
		fail("d2l.MaxPool2d.Forward", "pool", "a layer made by d2l.NewMaxPool2d", "nil *MaxPool2d")
	}
	return p.forward("d2l.MaxPool2d.Forward", "maxpool2d", p, X)
}

// Params returns nil: pooling has no parameters.
func (p *MaxPool2d) Params() []Param { return nil }

// Check reports a stride below 1, a padding above half the window, or an input x
// ([n, c, h, w] or [c, h, w]) smaller than the window.
func (p *MaxPool2d) Check(x []int) error { return p.check("MaxPool2d", x) }

// Build adds the pooling to a graph: x [n, c, h, w] (or [c, h, w]).
func (p *MaxPool2d) Build(x *graph.Node, _ []*graph.Node) *graph.Node {
	return unbatch(cnn.MaxPool2D(batch(x), p.config()), x.Rank() == 3)
}

func (p *MaxPool2d) spec() (Layer, string) { return p, fmt.Sprintf("MaxPool2d %v", p.config()) }

// String describes the layer as PyTorch prints it:
// MaxPool2d(kernel_size=3, stride=2, padding=1, dilation=1, ceil_mode=False).
func (p *MaxPool2d) String() string { return p.describe("MaxPool2d", ", dilation=1, ceil_mode=False") }

// AvgPool2d is PyTorch's nn.AvgPool2d (count_include_pad=True, ceil_mode=False): the mean of
// each window, padded zeros included, [n, c, h, w] -> [n, c, h', w'].
type AvgPool2d struct{ pool2d }

// NewAvgPool2d creates an AvgPool2d (nn.AvgPool2d(kernel_size, stride, padding)); the stride
// defaults to the window and the padding may be at most half the window:
//
//	pool := d2l.NewAvgPool2d(d2l.KernelSize(2), d2l.Stride(2))
func NewAvgPool2d(opts ...Option) *AvgPool2d {
	return &AvgPool2d{newPool("d2l.NewAvgPool2d", opts)}
}

// Forward applies average pooling: X [n, c, h, w] -> [n, c, h', w'] (or [c, h, w] -> [c, h', w']).
func (p *AvgPool2d) Forward(X *tensors.Tensor) *tensors.Tensor {
	if p == nil {
		fail("d2l.AvgPool2d.Forward", "pool", "a layer made by d2l.NewAvgPool2d", "nil *AvgPool2d")
	}
	return p.forward("d2l.AvgPool2d.Forward", "avgpool2d", p, X)
}

// Params returns nil: pooling has no parameters.
func (p *AvgPool2d) Params() []Param { return nil }

// Check reports a stride below 1, a padding above half the window, or an input x
// ([n, c, h, w] or [c, h, w]) smaller than the window.
func (p *AvgPool2d) Check(x []int) error { return p.check("AvgPool2d", x) }

// Build adds the pooling to a graph: x [n, c, h, w] (or [c, h, w]).
func (p *AvgPool2d) Build(x *graph.Node, _ []*graph.Node) *graph.Node {
	return unbatch(cnn.AvgPool2D(batch(x), p.config()), x.Rank() == 3)
}

func (p *AvgPool2d) spec() (Layer, string) { return p, fmt.Sprintf("AvgPool2d %v", p.config()) }

// String describes the layer as PyTorch prints it: AvgPool2d(kernel_size=2, stride=2, padding=0).
func (p *AvgPool2d) String() string { return p.describe("AvgPool2d", "") }

// ScratchConv2D is the book's own learnable Conv2D of section 6.2.2 (a convolution written from
// scratch): Forward(X) = Corr2D(X, Weight) + Bias for X [h, w].
type ScratchConv2D struct {
	// Weight is the kernel [kh, kw], initialised uniformly in [0, 1) like torch.rand.
	Weight *tensors.Tensor
	// Bias is a scalar tensor (shape []), initialised to 0.
	Bias *tensors.Tensor
}

// NewScratchConv2D creates the book's Conv2D(kernel_size=(kh, kw)): random Weight [kh, kw],
// zero scalar Bias.
func NewScratchConv2D(kh, kw int) *ScratchConv2D {
	const fn = "d2l.NewScratchConv2D"
	if kh < 1 || kw < 1 {
		fail(fn, "kernel size", "kh >= 1 and kw >= 1", "(%d, %d)", kh, kw)
	}
	return &ScratchConv2D{Weight: Rand(kh, kw), Bias: Zeros()}
}

// Forward returns Corr2D(X, Weight) + Bias: X [h, w] -> [h-kh+1, w-kw+1].
func (c *ScratchConv2D) Forward(X *tensors.Tensor) *tensors.Tensor {
	const fn = "d2l.ScratchConv2D.Forward"
	defer guard(fn)
	if c == nil {
		fail(fn, "layer", "a layer made by d2l.NewScratchConv2D", "nil *ScratchConv2D")
	}
	checkLayerInput(fn, c, X)
	return exec3("scratch_conv2d", scratchConvGraph, X, c.Weight, c.Bias)
}

// scratchConvGraph is corr2d(x, k) + b for x [h, w], k [kh, kw], b a scalar.
func scratchConvGraph(x, k, b *graph.Node) *graph.Node {
	h, w := x.Shape().Dimensions[0], x.Shape().Dimensions[1]
	kh, kw := k.Shape().Dimensions[0], k.Shape().Dimensions[1]
	y := cnn.Conv2D(graph.Reshape(x, 1, 1, h, w), graph.Reshape(k, 1, 1, kh, kw), cnn.ConvConfig{})
	return graph.Add(graph.Reshape(y, h-kh+1, w-kw+1), graph.Reshape(b))
}

// Params returns the kernel ("weight") and the scalar bias.
func (c *ScratchConv2D) Params() []Param {
	return []Param{{Name: "weight", Ref: &c.Weight}, {Name: "bias", Ref: &c.Bias}}
}

// Check reports a Weight that is not [kh, kw], a Bias that is not a scalar, or an input x that
// is not [h, w] at least as large as the kernel.
func (c *ScratchConv2D) Check(x []int) error {
	return Try(func() {
		const fn = "d2l.ScratchConv2D"
		dw := checkFinite(fn, "Weight", c.Weight, "rank 2 [kh, kw]", 2)
		checkNonEmpty(fn, "Weight", dw)
		db := checkFinite(fn, "Bias", c.Bias, "a scalar (shape [] or [1])", 0, 1)
		if len(db) == 1 && db[0] != 1 {
			fail(fn, "Bias", "a scalar (shape [] or [1])", "%s", shapeDesc(c.Bias))
		}
		if len(x) != 2 {
			fail(fn, "X", "rank 2 [h, w]", "shape %v (rank %d)", x, len(x))
		}
		checkFits(fn, x[0], x[1], dw[0], dw[1], [2]int{}, "X")
	})
}

// Build adds Corr2D(x, Weight) + Bias to a graph: x [h, w].
func (c *ScratchConv2D) Build(x *graph.Node, params []*graph.Node) *graph.Node {
	return scratchConvGraph(x, params[0], params[1])
}

// String returns "ScratchConv2D(kernel_size=(kh, kw))".
func (c *ScratchConv2D) String() string {
	if c.Weight == nil || c.Weight.Rank() != 2 {
		return "ScratchConv2D()"
	}
	d := c.Weight.Shape().Dimensions
	return fmt.Sprintf("ScratchConv2D(kernel_size=(%d, %d))", d[0], d[1])
}

func (c *ScratchConv2D) spec() (Layer, string) { return c, "ScratchConv2D" }
