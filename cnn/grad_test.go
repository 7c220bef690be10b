package cnn

import (
	"encoding/json"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"strings"
	"testing"

	"github.com/gomlx/compute"
	"github.com/gomlx/compute/dtypes"
	"github.com/gomlx/compute/shapes"
	"github.com/gomlx/gomlx/core/graph"
	"github.com/gomlx/gomlx/core/tensors"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// torchCase is one entry of testdata/torch_grads.json (written by testdata/torch_grads.py).
type torchCase struct {
	Name    string    `json:"name"`
	Op      string    `json:"op"`
	Kernel  []int     `json:"kernel"`
	Padding []int     `json:"padding"`
	Stride  []int     `json:"stride"`
	XShape  []int     `json:"x_shape"`
	X       []float64 `json:"x"`
	WShape  []int     `json:"w_shape"`
	W       []float64 `json:"w"`
	B       []float64 `json:"b"`
	YShape  []int     `json:"y_shape"`
	Y       []float64 `json:"y"`
	G       []float64 `json:"g"`
	DX      []float64 `json:"dx"`
	DW      []float64 `json:"dw"`
	DB      []float64 `json:"db"`
}

func loadTorchCases(t *testing.T) []torchCase {
	data, err := os.ReadFile("testdata/torch_grads.json")
	require.NoError(t, err)
	var file struct {
		Cases []torchCase `json:"cases"`
	}
	require.NoError(t, json.Unmarshal(data, &file))
	require.NotEmpty(t, file.Cases)
	return file.Cases
}

// gradBackend is the backend the gradient tests run on: testBackend ($GOMLX_BACKEND if set,
// else the pure-Go backend).
func gradBackend(t *testing.T) compute.Backend {
	t.Helper()
	b := testBackend()
	require.NotNil(t, b)
	return b
}

func tensorF32(vals []float64, dims []int) *tensors.Tensor {
	t := tensors.FromShape(shapes.Make(dtypes.Float32, dims...))
	tensors.MutableFlatData(t, func(f []float32) {
		for i := range f {
			f[i] = float32(vals[i])
		}
	})
	return t
}

func flatF64(t *tensors.Tensor) []float64 {
	var out []float64
	tensors.ConstFlatData(t, func(f []float32) {
		out = make([]float64, len(f))
		for i, v := range f {
			out[i] = float64(v)
		}
	})
	return out
}

// forward builds the case's op on x (and w, b for a convolution).
func (c torchCase) forward(x, w, b *graph.Node) *graph.Node {
	pair := func(s []int) [2]int { return [2]int{s[0], s[1]} }
	switch c.Op {
	case "conv2d":
		y := Conv2D(x, w, ConvConfig{Stride: pair(c.Stride), Padding: pair(c.Padding)})
		if b != nil {
			y = graph.Add(y, graph.Reshape(b, 1, b.Shape().Dimensions[0], 1, 1))
		}
		return y
	case "max_pool2d":
		return MaxPool2D(x, PoolConfig{Kernel: pair(c.Kernel), Stride: pair(c.Stride), Padding: pair(c.Padding)})
	case "avg_pool2d":
		return AvgPool2D(x, PoolConfig{Kernel: pair(c.Kernel), Stride: pair(c.Stride), Padding: pair(c.Padding)})
	}
	panic("unknown op " + c.Op)
}

// assertClose compares got with want element-wise with a tolerance relative to the largest |want|.
func assertClose(t *testing.T, want, got []float64, what string) {
	t.Helper()
	require.Len(t, got, len(want), what)
	scale := 1.0
	for _, w := range want {
		scale = max(scale, math.Abs(w))
	}
	for i := range want {
		if !assert.InDelta(t, want[i], got[i], 2e-5*scale, "%s[%d]", what, i) {
			return
		}
	}
}

// TestGradientsMatchPyTorch checks outputs and gradients of Conv2D (with bias), MaxPool2D and
// AvgPool2D against PyTorch's values on the same inputs, with GoMLX's own Slice gradient and
// with the Pad-free one used on backends without Pad.
func TestGradientsMatchPyTorch(t *testing.T) {
	backend := gradBackend(t)
	for _, padFree := range []bool{false, true} {
		for _, c := range loadTorchCases(t) {
			t.Run(fmt.Sprintf("%s/padFree=%v", c.Name, padFree), func(t *testing.T) {
				setForcePadFree(padFree)
				defer setForcePadFree(false)
				args := []any{tensorF32(c.X, c.XShape), tensorF32(c.G, c.YShape)}
				if c.Op == "conv2d" {
					args = append(args, tensorF32(c.W, c.WShape))
					if c.B != nil {
						args = append(args, tensorF32(c.B, []int{c.WShape[0]}))
					}
				}
				exec := graph.MustNewExec(backend, func(in []*graph.Node) []*graph.Node {
					x, g := in[0], in[1]
					var w, b *graph.Node
					wrt := []*graph.Node{x}
					if len(in) > 2 {
						w = in[2]
						wrt = append(wrt, w)
					}
					if len(in) > 3 {
						b = in[3]
						wrt = append(wrt, b)
					}
					y := c.forward(x, w, b)
					loss := graph.ReduceAllSum(graph.Mul(y, g))
					return append([]*graph.Node{y}, graph.Gradient(loss, wrt...)...)
				})
				defer exec.Finalize()
				out := exec.MustExec(args...)
				assert.Equal(t, c.YShape, out[0].Shape().Dimensions)
				assertClose(t, c.Y, flatF64(out[0]), "y")
				assertClose(t, c.DX, flatF64(out[1]), "dx")
				if c.W != nil {
					assertClose(t, c.DW, flatF64(out[2]), "dw")
				}
				if c.B != nil {
					assertClose(t, c.DB, flatF64(out[3]), "db")
				}
			})
		}
	}
}

// TestGradientsFiniteDifferences checks d sum(op(x)*g) / dx of random configurations against
// central finite differences in float64, for the convolution also d/dw.
func TestGradientsFiniteDifferences(t *testing.T) {
	backend := gradBackend(t)
	if !backend.Capabilities().DTypes[dtypes.Float64] || strings.Contains(backend.Name(), "onnx") {
		// ONNX Runtime has no float64 Conv kernel; the PyTorch comparison covers it in float32.
		t.Skipf("backend %s has no float64 convolution", backend.Name())
	}
	rng := rand.New(rand.NewPCG(6, 6))
	type config struct {
		op                   string
		n, c, h, w, co, k, l int // l: kernel width
		pad, stride          [2]int
	}
	configs := []config{
		{op: "conv2d", n: 1, c: 2, h: 6, w: 5, co: 3, k: 3, l: 2, pad: [2]int{1, 0}, stride: [2]int{2, 1}},
		{op: "conv2d", n: 2, c: 1, h: 7, w: 7, co: 2, k: 5, l: 5, pad: [2]int{2, 2}, stride: [2]int{1, 1}},
		{op: "conv2d", n: 1, c: 3, h: 8, w: 7, co: 2, k: 3, l: 3, pad: [2]int{0, 1}, stride: [2]int{3, 2}},
		{op: "max_pool2d", n: 1, c: 2, h: 7, w: 6, k: 3, l: 3, pad: [2]int{1, 1}, stride: [2]int{2, 2}},
		{op: "max_pool2d", n: 2, c: 1, h: 6, w: 6, k: 2, l: 2, stride: [2]int{2, 2}},
		{op: "avg_pool2d", n: 1, c: 2, h: 7, w: 8, k: 2, l: 3, pad: [2]int{0, 1}, stride: [2]int{2, 3}},
		{op: "avg_pool2d", n: 2, c: 1, h: 5, w: 5, k: 3, l: 3, pad: [2]int{1, 1}, stride: [2]int{1, 1}},
	}
	randT := func(dims ...int) *tensors.Tensor {
		t := tensors.FromShape(shapes.Make(dtypes.Float64, dims...))
		tensors.MutableFlatData(t, func(f []float64) {
			for i := range f {
				f[i] = rng.NormFloat64()
			}
		})
		return t
	}
	for _, padFree := range []bool{false, true} {
		for i, cfg := range configs {
			t.Run(fmt.Sprintf("%d_%s/padFree=%v", i, cfg.op, padFree), func(t *testing.T) {
				setForcePadFree(padFree)
				defer setForcePadFree(false)
				c := torchCase{Op: cfg.op, Kernel: []int{cfg.k, cfg.l}, Padding: cfg.pad[:], Stride: cfg.stride[:]}
				x := randT(cfg.n, cfg.c, cfg.h, cfg.w)
				var w *tensors.Tensor
				if cfg.op == "conv2d" {
					w = randT(cfg.co, cfg.c, cfg.k, cfg.l)
				} else {
					w = randT(1) // unused
				}
				lossExec := graph.MustNewExec(backend, func(x, w, g *graph.Node) *graph.Node {
					return graph.ReduceAllSum(graph.Mul(c.forward(x, w, nil), g))
				})
				gradExec := graph.MustNewExec(backend, func(x, w, g *graph.Node) []*graph.Node {
					loss := graph.ReduceAllSum(graph.Mul(c.forward(x, w, nil), g))
					return graph.Gradient(loss, x, w)
				})
				defer lossExec.Finalize()
				defer gradExec.Finalize()
				// The output shape, for g.
				shapeExec := graph.MustNewExec(backend, func(x, w *graph.Node) *graph.Node { return c.forward(x, w, nil) })
				g := randT(shapeExec.MustExec1(x, w).Shape().Dimensions...)
				shapeExec.Finalize()
				grads := gradExec.MustExec(x, w, g)
				check := func(param *tensors.Tensor, grad *tensors.Tensor, name string) {
					flat := tensors.MustCopyFlatData[float64](param)
					gotGrad := tensors.MustCopyFlatData[float64](grad)
					const eps = 1e-6
					for _, idx := range rng.Perm(len(flat))[:min(len(flat), 12)] {
						at := func(delta float64) float64 {
							p := append([]float64{}, flat...)
							p[idx] += delta
							pt := tensors.FromFlatDataAndDimensions(p, param.Shape().Dimensions...)
							var l *tensors.Tensor
							if name == "x" {
								l = lossExec.MustExec1(pt, w, g)
							} else {
								l = lossExec.MustExec1(x, pt, g)
							}
							return l.Value().(float64)
						}
						numeric := (at(eps) - at(-eps)) / (2 * eps)
						assert.InDelta(t, numeric, gotGrad[idx], 1e-5*max(1, math.Abs(numeric)), "d/d%s[%d]", name, idx)
					}
				}
				check(x, grads[0], "x")
				if cfg.op == "conv2d" {
					check(w, grads[1], "w")
				}
			})
		}
	}
}

// TestPadFreeSliceGradMatchesGoMLX compares the Pad-free Slice gradient with GoMLX's own one on
// random shapes, starts, limits and strides.
func TestPadFreeSliceGradMatchesGoMLX(t *testing.T) {
	backend := gradBackend(t)
	if !interiorPad(backend) {
		t.Skipf("backend %s has no Pad with interior padding to compare with", backend.Name())
	}
	rng := rand.New(rand.NewPCG(1, 2))
	for trial := range 40 {
		rank := 1 + rng.IntN(3)
		dims := make([]int, rank)
		specs := make([]graph.SliceAxisSpec, rank)
		for a := range dims {
			dims[a] = 1 + rng.IntN(7)
			start := rng.IntN(dims[a])
			limit := start + 1 + rng.IntN(dims[a]-start)
			specs[a] = graph.AxisRange(start, limit).Stride(1 + rng.IntN(3))
		}
		x := tensors.FromShape(shapes.Make(dtypes.Float32, dims...))
		tensors.MutableFlatData(x, func(f []float32) {
			for i := range f {
				f[i] = float32(rng.NormFloat64())
			}
		})
		grad := func(padFree bool) []float32 {
			setForcePadFree(padFree)
			defer setForcePadFree(false)
			exec := graph.MustNewExec(backend, func(x *graph.Node) *graph.Node {
				y := graph.Slice(x, specs...)
				weights := graph.Iota(x.Graph(), y.Shape(), 0)
				return graph.Gradient(graph.ReduceAllSum(graph.Mul(graph.AddScalar(weights, 1), y)), x)[0]
			})
			defer exec.Finalize()
			return tensors.MustCopyFlatData[float32](exec.MustExec1(x))
		}
		require.Equal(t, grad(false), grad(true), "trial %d: dims %v", trial, dims)
	}
}

// TestInteriorPad: the probe finds interior padding on the pure-Go backend and its absence on
// ONNX Runtime (compute-onnx v0.1.13), and answers the same when asked again.
func TestInteriorPad(t *testing.T) {
	backend := testBackend()
	got := interiorPad(backend)
	switch backend.Name() { // the test knows the two backends it runs on
	case "Go Backend":
		assert.True(t, got, "pure Go pads between elements")
	case "onnxruntime":
		assert.False(t, got, "compute-onnx gained interior padding: update grad.go's doc")
	}
	assert.Equal(t, got, interiorPad(backend), "a second call")
}
