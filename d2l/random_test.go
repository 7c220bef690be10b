package d2l

import (
	"math/rand/v2"
	"testing"

	"github.com/gomlx/gomlx/core/tensors"
	"github.com/stretchr/testify/require"
)

// Randomised tests: every op against the plain loop reference (ref_test.go) on random shapes,
// channels, padding and stride. Each op draws configsPerOp shapes/settings and valuesPerConfig
// inputs for each, so graphs compile once per configuration (cheap on the pure-Go backend,
// also affordable on XLA).
const (
	configsPerOp    = 25
	valuesPerConfig = 8 // configsPerOp * valuesPerConfig = 200 cases per op
)

func TestRandomCorr2D(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	n := 0
	for range configsPerOp {
		h, w := 1+r.IntN(8), 1+r.IntN(8)
		kh, kw := 1+r.IntN(h), 1+r.IntN(w)
		for range valuesPerConfig {
			x, k := randRef(r, h, w), randRef(r, kh, kw)
			want := refConv(x.reshaped(1, 1, h, w), k.reshaped(1, 1, kh, kw), nil, [2]int{}, [2]int{1, 1})
			got := Corr2D(x.tensor(), k.tensor())
			ok, why := closeTo(want.reshaped(h-kh+1, w-kw+1), got)
			require.True(t, ok, "case %d X %v K %v: %s", n, x.d, k.d, why)
			n++
		}
	}
	require.GreaterOrEqual(t, n, 200)
}

func TestRandomCorr2DMultiIn(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	n := 0
	for range configsPerOp {
		ci, h, w := 1+r.IntN(4), 1+r.IntN(7), 1+r.IntN(7)
		kh, kw := 1+r.IntN(h), 1+r.IntN(w)
		for range valuesPerConfig {
			x, k := randRef(r, ci, h, w), randRef(r, ci, kh, kw)
			want := refConv(x.reshaped(1, ci, h, w), k.reshaped(1, ci, kh, kw), nil, [2]int{}, [2]int{1, 1})
			ok, why := closeTo(want.reshaped(h-kh+1, w-kw+1), Corr2DMultiIn(x.tensor(), k.tensor()))
			require.True(t, ok, "case %d X %v K %v: %s", n, x.d, k.d, why)
			n++
		}
	}
	require.GreaterOrEqual(t, n, 200)
}

func TestRandomCorr2DMultiInOut(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 6))
	n := 0
	for range configsPerOp {
		ci, co, h, w := 1+r.IntN(4), 1+r.IntN(4), 1+r.IntN(7), 1+r.IntN(7)
		kh, kw := 1+r.IntN(h), 1+r.IntN(w)
		for range valuesPerConfig {
			x, k := randRef(r, ci, h, w), randRef(r, co, ci, kh, kw)
			want := refConv(x.reshaped(1, ci, h, w), k, nil, [2]int{}, [2]int{1, 1})
			ok, why := closeTo(want.reshaped(co, h-kh+1, w-kw+1), Corr2DMultiInOut(x.tensor(), k.tensor()))
			require.True(t, ok, "case %d X %v K %v: %s", n, x.d, k.d, why)
			n++
		}
	}
	require.GreaterOrEqual(t, n, 200)
}

func TestRandomCorr2DMultiInOut1x1(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 8))
	n := 0
	for range configsPerOp {
		ci, co, h, w := 1+r.IntN(5), 1+r.IntN(5), 1+r.IntN(6), 1+r.IntN(6)
		for range valuesPerConfig {
			x, k := randRef(r, ci, h, w), randRef(r, co, ci, 1, 1)
			want := refConv(x.reshaped(1, ci, h, w), k, nil, [2]int{}, [2]int{1, 1})
			X, K := x.tensor(), k.tensor()
			got := Corr2DMultiInOut1x1(X, K)
			ok, why := closeTo(want.reshaped(co, h, w), got)
			require.True(t, ok, "case %d X %v K %v: %s", n, x.d, k.d, why)
			require.Less(t, Sum(Abs(Sub(got, Corr2DMultiInOut(X, K)))), 1e-4)
			n++
		}
	}
	require.GreaterOrEqual(t, n, 200)
}

func TestRandomPool2D(t *testing.T) {
	r := rand.New(rand.NewPCG(9, 10))
	n := 0
	for cfg := range configsPerOp {
		h, w := 1+r.IntN(8), 1+r.IntN(8)
		ph, pw := 1+r.IntN(h), 1+r.IntN(w)
		mode := []string{"max", "avg"}[cfg%2]
		for range valuesPerConfig {
			x := randRef(r, h, w)
			want := refPool(x.reshaped(1, 1, h, w), [2]int{ph, pw}, [2]int{1, 1}, [2]int{}, mode)
			ok, why := closeTo(want.reshaped(h-ph+1, w-pw+1), Pool2D(x.tensor(), [2]int{ph, pw}, mode))
			require.True(t, ok, "case %d %s X %v window %dx%d: %s", n, mode, x.d, ph, pw, why)
			n++
		}
	}
	require.GreaterOrEqual(t, n, 200)
}

// randConvConfig draws a valid convolution configuration.
func randConvConfig(r *rand.Rand) (batch, ci, co, h, w int, kernel, pad, stride [2]int) {
	batch, ci, co = 1+r.IntN(3), 1+r.IntN(3), 1+r.IntN(3)
	h, w = 1+r.IntN(9), 1+r.IntN(9)
	pad = [2]int{r.IntN(3), r.IntN(3)}
	kernel = [2]int{1 + r.IntN(h+2*pad[0]), 1 + r.IntN(w+2*pad[1])}
	kernel = [2]int{min(kernel[0], 5), min(kernel[1], 5)}
	stride = [2]int{1 + r.IntN(3), 1 + r.IntN(3)}
	return
}

func TestRandomConv2d(t *testing.T) {
	r := rand.New(rand.NewPCG(11, 12))
	n := 0
	for cfg := range configsPerOp {
		batch, ci, co, h, w, kernel, pad, stride := randConvConfig(r)
		bias := cfg%3 != 0
		unbatched := r.IntN(3) == 0 // mixes batched and unbatched calls of one layer
		conv := NewConv2d(ci, co, KernelSize(kernel[:]...), Padding(pad[:]...), Stride(stride[:]...), Bias(bias))
		for range valuesPerConfig {
			x, k := randRef(r, batch, ci, h, w), randRef(r, co, ci, kernel[0], kernel[1])
			conv.Weight = k.tensor()
			var b []float64
			if bias {
				bb := randRef(r, co)
				b = bb.v
				conv.Bias = bb.tensor()
			}
			want := refConv(x, k, b, pad, stride)
			X := x.tensor()
			if unbatched {
				x1 := refTensor{d: x.d[1:], v: x.v[:size(x.d[1:])]}
				want = refConv(x1.reshaped(1, ci, h, w), k, b, pad, stride)
				want = want.reshaped(want.d[1:]...)
				X = x1.tensor()
			}
			ok, why := closeTo(want, conv.Forward(X))
			require.True(t, ok, "case %d %v X %v: %s", n, conv, dims(X), why)
			n++
		}
	}
	require.GreaterOrEqual(t, n, 200)
}

// randPoolConfig draws a valid pooling configuration.
func randPoolConfig(r *rand.Rand) (batch, c, h, w int, kernel, pad, stride [2]int) {
	batch, c = 1+r.IntN(3), 1+r.IntN(3)
	h, w = 1+r.IntN(9), 1+r.IntN(9)
	kernel = [2]int{1 + r.IntN(min(h, 4)), 1 + r.IntN(min(w, 4))}
	pad = [2]int{r.IntN(kernel[0]/2 + 1), r.IntN(kernel[1]/2 + 1)}
	stride = [2]int{1 + r.IntN(3), 1 + r.IntN(3)}
	return
}

func TestRandomMaxAvgPool2d(t *testing.T) {
	for _, mode := range []string{"max", "avg"} {
		t.Run(mode, func(t *testing.T) {
			r := rand.New(rand.NewPCG(13, uint64(len(mode))))
			n := 0
			for cfg := range configsPerOp {
				batch, c, h, w, kernel, pad, stride := randPoolConfig(r)
				opts := []Option{KernelSize(kernel[:]...), Padding(pad[:]...)}
				if cfg%4 == 0 {
					stride = kernel // PyTorch's default stride
				} else {
					opts = append(opts, Stride(stride[:]...))
				}
				for range valuesPerConfig {
					x := randRef(r, batch, c, h, w)
					want := refPool(x, kernel, stride, pad, mode)
					X := x.tensor()
					if r.IntN(3) == 0 { // unbatched [c, h, w]
						x1 := refTensor{d: x.d[1:], v: x.v[:size(x.d[1:])]}
						want = refPool(x1.reshaped(1, c, h, w), kernel, stride, pad, mode)
						want = want.reshaped(want.d[1:]...)
						X = x1.tensor()
					}
					var got *tensors.Tensor
					if mode == "max" {
						got = NewMaxPool2d(opts...).Forward(X)
					} else {
						got = NewAvgPool2d(opts...).Forward(X)
					}
					ok, why := closeTo(want, got)
					require.True(t, ok, "case %d %s k%v p%v s%v X %v: %s", n, mode, kernel, pad, stride, x.d, why)
					n++
				}
			}
			require.GreaterOrEqual(t, n, 200)
		})
	}
}

func TestRandomScratchConv2D(t *testing.T) {
	r := rand.New(rand.NewPCG(15, 16))
	n := 0
	for range configsPerOp {
		h, w := 1+r.IntN(8), 1+r.IntN(8)
		kh, kw := 1+r.IntN(h), 1+r.IntN(w)
		layer := NewScratchConv2D(kh, kw)
		for range valuesPerConfig {
			x, k := randRef(r, h, w), randRef(r, kh, kw)
			bias := float64(float32(r.NormFloat64()))
			layer.Weight, layer.Bias = k.tensor(), Tensor(bias)
			want := refConv(x.reshaped(1, 1, h, w), k.reshaped(1, 1, kh, kw), []float64{bias}, [2]int{}, [2]int{1, 1})
			ok, why := closeTo(want.reshaped(h-kh+1, w-kw+1), layer.Forward(x.tensor()))
			require.True(t, ok, "case %d X %v K %v: %s", n, x.d, k.d, why)
			n++
		}
	}
	require.GreaterOrEqual(t, n, 200)
}
