package cnn

import (
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"strings"
	"sync"
	"testing"

	"github.com/gomlx/compute"
	"github.com/gomlx/compute/gobackend"
	"github.com/gomlx/gomlx/core/graph"
	"github.com/gomlx/gomlx/core/tensors"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Tests of the forward values and pooling gradients against plain Go loops.

// testBackend is the one backend the tests and benchmarks of this package run on:
// $GOMLX_BACKEND if set (e.g. "onnx": onnxrt_test.go links ONNX Runtime into the test binary),
// else the pure-Go backend. One instance serves them all: tensors cannot move between instances.
var testBackend = sync.OnceValue(func() compute.Backend {
	if os.Getenv(compute.ConfigEnvVar) == "" {
		return gobackend.GetBackend()
	}
	b, err := compute.New()
	if err != nil {
		panic(err)
	}
	return b
})

func TestOutSize(t *testing.T) {
	tests := []struct{ n, k, p, s, want int }{
		{8, 3, 1, 1, 8}, // 6.3.1: kernel 3, padding 1 keeps the size
		{8, 5, 2, 1, 8},
		{8, 3, 1, 2, 4}, // 6.3.2
		{8, 3, 0, 3, 2},
		{8, 5, 1, 4, 2},
		{240, 5, 0, 1, 236},
		{4, 3, 1, 2, 2}, // 6.5.2 pooling
		{4, 2, 0, 2, 2},
		{3, 2, 1, 3, 2},
		{2, 5, 1, 1, 0}, // window larger than the padded input
		{5, 5, 0, 7, 1},
	}
	for _, tc := range tests {
		assert.Equal(t, tc.want, OutSize(tc.n, tc.k, tc.p, tc.s), "OutSize(%d, %d, %d, %d)", tc.n, tc.k, tc.p, tc.s)
	}
	assert.Equal(t, [2]int{2, 2}, PoolConfig{Kernel: [2]int{3, 3}, Padding: [2]int{1, 1}, Stride: [2]int{2, 2}}.OutShape(4, 4))
	assert.Equal(t, [2]int{1, 1}, PoolConfig{Kernel: [2]int{3, 3}}.OutShape(4, 4), "stride defaults to the window")
}

// arr is a dense row-major NCHW array.
type arr struct {
	d []int
	v []float64
}

func newArr(d ...int) arr {
	n := 1
	for _, x := range d {
		n *= x
	}
	return arr{d: d, v: make([]float64, n)}
}

func (a arr) idx(i, j, k, l int) int { return ((i*a.d[1]+j)*a.d[2]+k)*a.d[3] + l }

func randArr(r *rand.Rand, d ...int) arr {
	a := newArr(d...)
	ints := r.IntN(3) == 0 // small integers: ties in max pooling
	for i := range a.v {
		if ints {
			a.v[i] = float64(r.IntN(4))
		} else {
			a.v[i] = float64(float32(4*r.Float64() - 2))
		}
	}
	return a
}

func (a arr) tensor() *tensors.Tensor {
	data := make([]float32, len(a.v))
	for i, v := range a.v {
		data[i] = float32(v)
	}
	return tensors.FromFlatDataAndDimensions(data, a.d...)
}

func assertArr(t *testing.T, want arr, got *tensors.Tensor, msg string) {
	t.Helper()
	require.Equal(t, want.d, got.Shape().Dimensions, "%s: shape", msg)
	vals := tensors.MustCopyFlatData[float32](got)
	for i, g := range vals {
		if math.Abs(float64(g)-want.v[i]) > 1e-4*(1+math.Abs(want.v[i])) {
			require.Failf(t, "value mismatch", "%s: at flat index %d want %g got %g", msg, i, want.v[i], g)
		}
	}
}

// window calls f(r, q, u, v) for every cell (r, q) of the input covered by output (i, j) at
// window offset (u, v), skipping padding.
func window(h, w, i, j int, k, s, p [2]int, f func(r, q, u, v int)) {
	for u := range k[0] {
		for v := range k[1] {
			r, q := i*s[0]+u-p[0], j*s[1]+v-p[1]
			if r >= 0 && r < h && q >= 0 && q < w {
				f(r, q, u, v)
			}
		}
	}
}

func refConv2D(x, w arr, b []float64, cfg ConvConfig) arr {
	s := [2]int{max(cfg.Stride[0], 1), max(cfg.Stride[1], 1)}
	k := [2]int{w.d[2], w.d[3]}
	oh, ow := OutSize(x.d[2], k[0], cfg.Padding[0], s[0]), OutSize(x.d[3], k[1], cfg.Padding[1], s[1])
	y := newArr(x.d[0], w.d[0], oh, ow)
	for n := range x.d[0] {
		for o := range w.d[0] {
			for i := range oh {
				for j := range ow {
					acc := 0.0
					if b != nil {
						acc = b[o]
					}
					for c := range x.d[1] {
						window(x.d[2], x.d[3], i, j, k, s, cfg.Padding, func(r, q, u, v int) {
							acc += x.v[x.idx(n, c, r, q)] * w.v[w.idx(o, c, u, v)]
						})
					}
					y.v[y.idx(n, o, i, j)] = acc
				}
			}
		}
	}
	return y
}

// refPool2D returns the pooled values and, for the upstream gradient g (shaped like the
// output), the gradient with respect to x: max sends each output's gradient to the first
// maximum of its window (PyTorch's choice), avg spreads it evenly over the kh*kw cells.
func refPool2D(x arr, cfg PoolConfig, mode string, g arr) (y, dx arr) {
	sh, sw := cfg.strides()
	s := [2]int{sh, sw}
	oh, ow := OutSize(x.d[2], cfg.Kernel[0], cfg.Padding[0], sh), OutSize(x.d[3], cfg.Kernel[1], cfg.Padding[1], sw)
	y, dx = newArr(x.d[0], x.d[1], oh, ow), newArr(x.d...)
	area := float64(cfg.Kernel[0] * cfg.Kernel[1])
	for n := range x.d[0] {
		for c := range x.d[1] {
			for i := range oh {
				for j := range ow {
					best, bestAt, sum := math.Inf(-1), -1, 0.0
					window(x.d[2], x.d[3], i, j, cfg.Kernel, s, cfg.Padding, func(r, q, _, _ int) {
						at := x.idx(n, c, r, q)
						if x.v[at] > best {
							best, bestAt = x.v[at], at
						}
						sum += x.v[at]
					})
					o := y.idx(n, c, i, j)
					if mode == "max" {
						y.v[o] = best
						if g.v != nil {
							dx.v[bestAt] += g.v[o]
						}
						continue
					}
					y.v[o] = sum / area
					if g.v != nil {
						window(x.d[2], x.d[3], i, j, cfg.Kernel, s, cfg.Padding, func(r, q, _, _ int) {
							dx.v[x.idx(n, c, r, q)] += g.v[o] / area
						})
					}
				}
			}
		}
	}
	return y, dx
}

// execs caches one Exec per configuration so that random cases reuse compiled graphs.
var execs = map[string]*graph.Exec{}

func cachedExec[F graph.ExecGraphFn](key string, fn F) *graph.Exec {
	if e, ok := execs[key]; ok {
		return e
	}
	e := graph.MustNewExec(testBackend(), fn).SetMaxCache(-1)
	execs[key] = e
	return e
}

func randConv(r *rand.Rand) (x, w arr, b []float64, cfg ConvConfig) {
	n, ci, co := 1+r.IntN(2), 1+r.IntN(3), 1+r.IntN(3)
	h, wd := 1+r.IntN(9), 1+r.IntN(9)
	cfg.Padding = [2]int{r.IntN(3), r.IntN(3)}
	cfg.Stride = [2]int{1 + r.IntN(3), 1 + r.IntN(3)}
	kh, kw := 1+r.IntN(min(h+2*cfg.Padding[0], 5)), 1+r.IntN(min(wd+2*cfg.Padding[1], 5))
	x, w = randArr(r, n, ci, h, wd), randArr(r, co, ci, kh, kw)
	if r.IntN(2) == 0 {
		b = randArr(r, 1, 1, 1, co).v
	}
	return
}

// convVariant is one way of computing Conv2D the tests check: an implementation and, for
// ConvGather, a forced layout (both layouts run on every shape, whichever gatherLayout picks).
type convVariant struct {
	impl   ConvImpl
	layout string
}

func (v convVariant) String() string {
	if v.layout == layoutAuto {
		return fmt.Sprintf("impl=%q", v.impl)
	}
	return fmt.Sprintf("impl=%q,layout=%s", v.impl, v.layout)
}

// set makes Conv2D use the variant until the returned function is called.
func (v convVariant) set() (restore func()) {
	SetConvImpl(v.impl)
	setForceGatherLayout(v.layout)
	return func() {
		SetConvImpl(ConvAuto)
		setForceGatherLayout(layoutAuto)
	}
}

var convVariants = []convVariant{
	{ConvAuto, layoutAuto}, {ConvConvolve, layoutAuto}, {ConvIm2Col, layoutAuto},
	{ConvGather, layoutAuto}, {ConvGather, layoutRows}, {ConvGather, layoutBatchInner},
	{ConvGather, layoutPixelRuns},
}

func TestConv2DRandom(t *testing.T) {
	for _, v := range convVariants {
		t.Run(v.String(), func(t *testing.T) {
			defer v.set()()
			r := rand.New(rand.NewPCG(1, 1))
			cases := 0
			for cfgIdx := range 25 {
				x0, w0, b0, cfg := randConv(r)
				key := fmt.Sprintf("conv/%s/%v/%v", v, cfg, b0 != nil)
				for range 8 {
					x, w := randArr(r, x0.d...), randArr(r, w0.d...)
					var b []float64
					var got *tensors.Tensor
					if b0 != nil {
						b = randArr(r, 1, 1, 1, len(b0)).v
						e := cachedExec(key, func(x, w, b *graph.Node) *graph.Node { return Conv2DBias(x, w, b, cfg) })
						got = e.MustExec1(x.tensor(), w.tensor(), tensors.FromFlatDataAndDimensions(toF32(b), len(b)))
					} else {
						e := cachedExec(key, func(x, w *graph.Node) *graph.Node { return Conv2D(x, w, cfg) })
						got = e.MustExec1(x.tensor(), w.tensor())
					}
					assertArr(t, refConv2D(x, w, b, cfg), got, fmt.Sprintf("config %d %+v x %v w %v", cfgIdx, cfg, x.d, w.d))
					cases++
				}
			}
			require.Equal(t, 200, cases)
		})
	}
}

func toF32(v []float64) []float32 {
	out := make([]float32, len(v))
	for i, x := range v {
		out[i] = float32(x)
	}
	return out
}

func randPool(r *rand.Rand) (x arr, cfg PoolConfig) {
	n, c := 1+r.IntN(2), 1+r.IntN(3)
	h, w := 1+r.IntN(9), 1+r.IntN(9)
	cfg.Kernel = [2]int{1 + r.IntN(min(h, 4)), 1 + r.IntN(min(w, 4))}
	cfg.Padding = [2]int{r.IntN(cfg.Kernel[0]/2 + 1), r.IntN(cfg.Kernel[1]/2 + 1)}
	if r.IntN(4) > 0 { // else: stride defaults to the window
		cfg.Stride = [2]int{1 + r.IntN(3), 1 + r.IntN(3)}
	}
	return randArr(r, n, c, h, w), cfg
}

// TestPoolRandom checks MaxPool2D and AvgPool2D values and their gradients (for a random
// upstream gradient g: d/dx of sum(pool(x) * g)). Where the backend pools natively
// (maxPoolFast), MaxPool2D is also checked with the strided slices it uses elsewhere;
// AvgPool2DForward ("avg-forward") is checked the same way, MaxPool2DForward ("max-forward") for
// its values only (its gradient is not PyTorch's where a window has ties).
func TestPoolRandom(t *testing.T) {
	modes := []string{"max", "avg", "avg-forward", "max-forward"}
	if nativeMaxPool(graph.NewGraph(testBackend(), "probe")) {
		modes = append(modes, "max-sliced")
	}
	for _, mode := range modes {
		t.Run(mode, func(t *testing.T) {
			pool := MaxPool2D
			switch mode {
			case "avg":
				pool = AvgPool2D
			case "avg-forward":
				pool = AvgPool2DForward
			case "max-forward":
				pool = MaxPool2DForward
			}
			if mode == "max-sliced" {
				setForceSlicedMaxPool(true)
				defer setForceSlicedMaxPool(false)
			}
			r := rand.New(rand.NewPCG(2, uint64(len(mode))))
			cases := 0
			for cfgIdx := range 25 {
				x0, cfg := randPool(r)
				e := cachedExec(fmt.Sprintf("pool/%s/%v", mode, cfg), func(x, g *graph.Node) []*graph.Node {
					y := pool(x, cfg)
					dx := graph.Gradient(graph.ReduceAllSum(graph.Mul(y, g)), x)[0]
					return []*graph.Node{y, dx}
				})
				for range 8 {
					x := randArr(r, x0.d...)
					oh, ow := cfg.OutShape(x.d[2], x.d[3])[0], cfg.OutShape(x.d[2], x.d[3])[1]
					g := randArr(r, x.d[0], x.d[1], oh, ow)
					wantY, wantDX := refPool2D(x, cfg, strings.Split(mode, "-")[0], g)
					outs := e.MustExec(x.tensor(), g.tensor())
					msg := fmt.Sprintf("config %d %+v x %v", cfgIdx, cfg, x.d)
					assertArr(t, wantY, outs[0], msg+" value")
					if mode != "max-forward" {
						assertArr(t, wantDX, outs[1], msg+" gradient")
					}
					cases++
				}
			}
			require.Equal(t, 200, cases)
		})
	}
}

// FuzzConv2D compares Conv2D with the loop reference on valid configurations.
func FuzzConv2D(f *testing.F) {
	f.Add(uint64(1), uint8(1), uint8(1), uint8(1), uint8(8), uint8(8), uint8(3), uint8(3), uint8(1), uint8(1), uint8(2), uint8(2))
	f.Add(uint64(2), uint8(2), uint8(3), uint8(2), uint8(6), uint8(8), uint8(1), uint8(2), uint8(0), uint8(0), uint8(1), uint8(1))
	f.Add(uint64(3), uint8(1), uint8(2), uint8(3), uint8(3), uint8(3), uint8(2), uint8(2), uint8(1), uint8(1), uint8(3), uint8(2))
	f.Fuzz(func(t *testing.T, seed uint64, n, ci, co, h, w, kh, kw, ph, pw, sh, sw uint8) {
		cfg := ConvConfig{Padding: [2]int{int(ph % 3), int(pw % 3)}, Stride: [2]int{1 + int(sh%3), 1 + int(sw%3)}}
		H, W := 1+int(h%9), 1+int(w%9)
		KH, KW := 1+int(kh)%(H+2*cfg.Padding[0]), 1+int(kw)%(W+2*cfg.Padding[1])
		r := rand.New(rand.NewPCG(seed, 5))
		x, k := randArr(r, 1+int(n%2), 1+int(ci%3), H, W), randArr(r, 1+int(co%3), 1+int(ci%3), KH, KW)
		got := graph.MustExecOnce(testBackend(), func(x, w *graph.Node) *graph.Node { return Conv2D(x, w, cfg) }, x.tensor(), k.tensor())
		assertArr(t, refConv2D(x, k, nil, cfg), got, fmt.Sprintf("%+v x %v w %v", cfg, x.d, k.d))
	})
}

// fuzzPool2D compares a pooling function (value and gradient) with the loop reference.
func fuzzPool2D(f *testing.F, mode string, pool func(*graph.Node, PoolConfig) *graph.Node) {
	f.Add(uint64(1), uint8(1), uint8(1), uint8(4), uint8(4), uint8(3), uint8(3), uint8(1), uint8(1), uint8(2), uint8(2))
	f.Add(uint64(2), uint8(2), uint8(2), uint8(5), uint8(7), uint8(2), uint8(3), uint8(0), uint8(1), uint8(0), uint8(0))
	f.Add(uint64(3), uint8(1), uint8(3), uint8(3), uint8(3), uint8(3), uint8(1), uint8(1), uint8(0), uint8(1), uint8(3))
	f.Fuzz(func(t *testing.T, seed uint64, n, c, h, w, kh, kw, ph, pw, sh, sw uint8) {
		H, W := 1+int(h%9), 1+int(w%9)
		cfg := PoolConfig{Kernel: [2]int{1 + int(kh)%min(H, 4), 1 + int(kw)%min(W, 4)}, Stride: [2]int{int(sh % 4), int(sw % 4)}}
		cfg.Padding = [2]int{int(ph) % (cfg.Kernel[0]/2 + 1), int(pw) % (cfg.Kernel[1]/2 + 1)}
		r := rand.New(rand.NewPCG(seed, 6))
		x := randArr(r, 1+int(n%2), 1+int(c%3), H, W)
		oh, ow := cfg.OutShape(H, W)[0], cfg.OutShape(H, W)[1]
		g := randArr(r, x.d[0], x.d[1], oh, ow)
		outs := graph.MustExecOnceN(testBackend(), func(x, g *graph.Node) []*graph.Node {
			y := pool(x, cfg)
			return []*graph.Node{y, graph.Gradient(graph.ReduceAllSum(graph.Mul(y, g)), x)[0]}
		}, x.tensor(), g.tensor())
		wantY, wantDX := refPool2D(x, cfg, mode, g)
		assertArr(t, wantY, outs[0], fmt.Sprintf("%s %+v x %v value", mode, cfg, x.d))
		assertArr(t, wantDX, outs[1], fmt.Sprintf("%s %+v x %v gradient", mode, cfg, x.d))
	})
}

func FuzzMaxPool2D(f *testing.F) { fuzzPool2D(f, "max", MaxPool2D) }

func FuzzAvgPool2D(f *testing.F) { fuzzPool2D(f, "avg", AvgPool2D) }
