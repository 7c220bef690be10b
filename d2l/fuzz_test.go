package d2l

import (
	"errors"
	"math/rand/v2"
	"testing"

	"github.com/gomlx/gomlx/core/tensors"
)

// Fuzz targets, one per op: for any sizes, padding and stride (valid or not) the op either
// returns the reference result or panics with a *Error, and it does so exactly when the input
// is invalid. `go test` runs the seed corpus; `go test -fuzz FuzzConv2d ./d2l` explores.

// bound maps v into [lo, hi].
func bound(v int8, lo, hi int) int {
	n := hi - lo + 1
	return lo + ((int(v)%n)+n)%n
}

// runOp runs f and reports its result or its *Error; any other panic fails the test.
func runOp(t *testing.T, f func() *tensors.Tensor) (out *tensors.Tensor, err error) {
	t.Helper()
	err = Try(func() { out = f() })
	var e *Error
	if err != nil && !errors.As(err, &e) {
		t.Fatalf("not a *d2l.Error: %v", err)
	}
	if err != nil && e.Func == "d2l" {
		t.Fatalf("bare panic escaped: %v", err)
	}
	return out, err
}

// expect checks the outcome: an error iff !valid, else the reference values.
func expect(t *testing.T, valid bool, want func() refTensor, out *tensors.Tensor, err error) {
	t.Helper()
	if !valid {
		if err == nil {
			t.Fatalf("invalid input accepted, result %v", dims(out))
		}
		return
	}
	if err != nil {
		t.Fatalf("valid input rejected: %v", err)
	}
	if ok, why := closeTo(want(), out); !ok {
		t.Fatalf("%s mismatch: want %v, got %s", why, want().d, Format(out))
	}
}

func fuzzRand(seed uint64) *rand.Rand { return rand.New(rand.NewPCG(seed, 99)) }

// maybeRef draws values for a shape that may hold zero or negative dimensions (then empty).
func maybeRef(r *rand.Rand, d ...int) refTensor {
	for _, v := range d {
		if v < 0 {
			return refTensor{d: d}
		}
	}
	return randRef(r, d...)
}

func FuzzCorr2D(f *testing.F) {
	f.Add(uint64(1), int8(3), int8(3), int8(2), int8(2))
	f.Add(uint64(2), int8(6), int8(8), int8(1), int8(2))
	f.Add(uint64(3), int8(2), int8(2), int8(3), int8(1))
	f.Add(uint64(4), int8(0), int8(2), int8(1), int8(1))
	f.Fuzz(func(t *testing.T, seed uint64, a, b, c, d int8) {
		h, w, kh, kw := bound(a, 0, 8), bound(b, 0, 8), bound(c, 0, 5), bound(d, 0, 5)
		r := fuzzRand(seed)
		x, k := maybeRef(r, h, w), maybeRef(r, kh, kw)
		out, err := runOp(t, func() *tensors.Tensor { return Corr2D(x.tensor(), k.tensor()) })
		valid := kh >= 1 && kw >= 1 && h >= kh && w >= kw
		expect(t, valid, func() refTensor {
			return refConv(x.reshaped(1, 1, h, w), k.reshaped(1, 1, kh, kw), nil, [2]int{}, [2]int{1, 1}).reshaped(h-kh+1, w-kw+1)
		}, out, err)
	})
}

func FuzzCorr2DMultiIn(f *testing.F) {
	f.Add(uint64(1), int8(2), int8(2), int8(3), int8(3), int8(2), int8(2))
	f.Add(uint64(2), int8(3), int8(2), int8(4), int8(5), int8(1), int8(3))
	f.Add(uint64(3), int8(1), int8(1), int8(2), int8(2), int8(3), int8(1))
	f.Fuzz(func(t *testing.T, seed uint64, ci8, ck8, a, b, c, d int8) {
		ci, ck := bound(ci8, 0, 4), bound(ck8, 0, 4)
		h, w, kh, kw := bound(a, 0, 7), bound(b, 0, 7), bound(c, 0, 4), bound(d, 0, 4)
		r := fuzzRand(seed)
		x, k := maybeRef(r, ci, h, w), maybeRef(r, ck, kh, kw)
		out, err := runOp(t, func() *tensors.Tensor { return Corr2DMultiIn(x.tensor(), k.tensor()) })
		valid := ci >= 1 && ck == ci && kh >= 1 && kw >= 1 && h >= kh && w >= kw
		expect(t, valid, func() refTensor {
			return refConv(x.reshaped(1, ci, h, w), k.reshaped(1, ci, kh, kw), nil, [2]int{}, [2]int{1, 1}).reshaped(h-kh+1, w-kw+1)
		}, out, err)
	})
}

func FuzzCorr2DMultiInOut(f *testing.F) {
	f.Add(uint64(1), int8(2), int8(2), int8(3), int8(3), int8(3), int8(2), int8(2))
	f.Add(uint64(2), int8(1), int8(2), int8(1), int8(4), int8(4), int8(1), int8(1))
	f.Add(uint64(3), int8(2), int8(3), int8(2), int8(3), int8(3), int8(2), int8(2))
	f.Fuzz(func(t *testing.T, seed uint64, ci8, ck8, co8, a, b, c, d int8) {
		ci, ck, co := bound(ci8, 0, 3), bound(ck8, 0, 3), bound(co8, 0, 3)
		h, w, kh, kw := bound(a, 0, 7), bound(b, 0, 7), bound(c, 0, 4), bound(d, 0, 4)
		r := fuzzRand(seed)
		x, k := maybeRef(r, ci, h, w), maybeRef(r, co, ck, kh, kw)
		out, err := runOp(t, func() *tensors.Tensor { return Corr2DMultiInOut(x.tensor(), k.tensor()) })
		valid := ci >= 1 && co >= 1 && ck == ci && kh >= 1 && kw >= 1 && h >= kh && w >= kw
		expect(t, valid, func() refTensor {
			return refConv(x.reshaped(1, ci, h, w), k, nil, [2]int{}, [2]int{1, 1}).reshaped(co, h-kh+1, w-kw+1)
		}, out, err)
	})
}

func FuzzCorr2DMultiInOut1x1(f *testing.F) {
	f.Add(uint64(1), int8(3), int8(3), int8(2), int8(3), int8(3), int8(1), int8(1))
	f.Add(uint64(2), int8(2), int8(2), int8(3), int8(1), int8(5), int8(1), int8(1))
	f.Add(uint64(3), int8(2), int8(2), int8(3), int8(3), int8(3), int8(2), int8(1))
	f.Fuzz(func(t *testing.T, seed uint64, ci8, ck8, co8, a, b, c, d int8) {
		ci, ck, co := bound(ci8, 0, 4), bound(ck8, 0, 4), bound(co8, 0, 4)
		h, w, kh, kw := bound(a, 0, 6), bound(b, 0, 6), bound(c, 0, 2), bound(d, 0, 2)
		r := fuzzRand(seed)
		x, k := maybeRef(r, ci, h, w), maybeRef(r, co, ck, kh, kw)
		out, err := runOp(t, func() *tensors.Tensor { return Corr2DMultiInOut1x1(x.tensor(), k.tensor()) })
		valid := ci >= 1 && co >= 1 && ck == ci && kh == 1 && kw == 1 && h >= 1 && w >= 1
		expect(t, valid, func() refTensor {
			return refConv(x.reshaped(1, ci, h, w), k, nil, [2]int{}, [2]int{1, 1}).reshaped(co, h, w)
		}, out, err)
	})
}

func FuzzPool2D(f *testing.F) {
	f.Add(uint64(1), int8(3), int8(3), int8(2), int8(2), false)
	f.Add(uint64(2), int8(5), int8(4), int8(3), int8(1), true)
	f.Add(uint64(3), int8(2), int8(2), int8(3), int8(1), true)
	f.Fuzz(func(t *testing.T, seed uint64, a, b, c, d int8, avg bool) {
		h, w, ph, pw := bound(a, 0, 8), bound(b, 0, 8), bound(c, 0, 5), bound(d, 0, 5)
		mode := "max"
		if avg {
			mode = "avg"
		}
		if seed%7 == 0 {
			mode = "min" // not a pooling mode
		}
		r := fuzzRand(seed)
		x := maybeRef(r, h, w)
		out, err := runOp(t, func() *tensors.Tensor { return Pool2D(x.tensor(), [2]int{ph, pw}, mode) })
		valid := mode != "min" && ph >= 1 && pw >= 1 && h >= ph && w >= pw
		expect(t, valid, func() refTensor {
			return refPool(x.reshaped(1, 1, h, w), [2]int{ph, pw}, [2]int{1, 1}, [2]int{}, mode).reshaped(h-ph+1, w-pw+1)
		}, out, err)
	})
}

func FuzzConv2d(f *testing.F) {
	// seed, n, ci, xci, co, h, w, kh, kw, ph, pw, sh, sw, bias
	f.Add(uint64(1), int8(1), int8(1), int8(1), int8(1), int8(8), int8(8), int8(3), int8(3), int8(1), int8(1), int8(2), int8(2), true)
	f.Add(uint64(2), int8(2), int8(2), int8(2), int8(3), int8(5), int8(6), int8(2), int8(2), int8(1), int8(0), int8(3), int8(2), false)
	f.Add(uint64(3), int8(1), int8(2), int8(3), int8(1), int8(4), int8(4), int8(3), int8(3), int8(0), int8(0), int8(1), int8(1), true)
	f.Add(uint64(4), int8(1), int8(1), int8(1), int8(1), int8(2), int8(2), int8(5), int8(5), int8(1), int8(1), int8(1), int8(1), true)
	f.Add(uint64(5), int8(1), int8(1), int8(1), int8(1), int8(4), int8(4), int8(2), int8(2), int8(-1), int8(0), int8(0), int8(1), true)
	f.Fuzz(func(t *testing.T, seed uint64, n8, ci8, xci8, co8, a, b, c, d, e, g, s1, s2 int8, bias bool) {
		n, ci, xci, co := bound(n8, 0, 2), bound(ci8, 0, 3), bound(xci8, 0, 3), bound(co8, 0, 3)
		h, w, kh, kw := bound(a, 0, 8), bound(b, 0, 8), bound(c, 0, 5), bound(d, 0, 5)
		pad, stride := [2]int{bound(e, -1, 3), bound(g, -1, 3)}, [2]int{bound(s1, -1, 3), bound(s2, -1, 3)}
		r := fuzzRand(seed)
		x := maybeRef(r, n, xci, h, w)
		var conv *Conv2d
		var k, bv refTensor
		out, err := runOp(t, func() *tensors.Tensor {
			conv = NewConv2d(ci, co, KernelSize(kh, kw), Padding(pad[:]...), Stride(stride[:]...), Bias(bias))
			k = randRef(r, co, ci, kh, kw)
			conv.Weight = k.tensor()
			if bias {
				bv = randRef(r, co)
				conv.Bias = bv.tensor()
			}
			return conv.Forward(x.tensor())
		})
		valid := n >= 1 && ci >= 1 && co >= 1 && xci == ci && kh >= 1 && kw >= 1 && pad[0] >= 0 && pad[1] >= 0 &&
			stride[0] >= 1 && stride[1] >= 1 && h >= 1 && w >= 1 && h+2*pad[0] >= kh && w+2*pad[1] >= kw
		expect(t, valid, func() refTensor {
			var b []float64
			if bias {
				b = bv.v
			}
			return refConv(x, k, b, pad, stride)
		}, out, err)
	})
}

// fuzzPool is shared by FuzzMaxPool2d and FuzzAvgPool2d.
func fuzzPool(f *testing.F, mode string) {
	// seed, n, c, h, w, kh, kw, ph, pw, sh, sw, defaultStride
	f.Add(uint64(1), int8(1), int8(1), int8(4), int8(4), int8(3), int8(3), int8(1), int8(1), int8(2), int8(2), false)
	f.Add(uint64(2), int8(1), int8(2), int8(4), int8(4), int8(3), int8(3), int8(0), int8(0), int8(0), int8(0), true)
	f.Add(uint64(3), int8(2), int8(1), int8(4), int8(4), int8(2), int8(3), int8(0), int8(1), int8(2), int8(3), false)
	f.Add(uint64(4), int8(1), int8(1), int8(4), int8(4), int8(3), int8(3), int8(2), int8(1), int8(1), int8(1), false)
	f.Add(uint64(5), int8(1), int8(1), int8(2), int8(2), int8(5), int8(5), int8(2), int8(2), int8(1), int8(1), true)
	f.Fuzz(func(t *testing.T, seed uint64, n8, c8, a, b, kh8, kw8, e, g, s1, s2 int8, defaultStride bool) {
		n, c, h, w := bound(n8, 0, 2), bound(c8, 0, 3), bound(a, 0, 8), bound(b, 0, 8)
		kernel := [2]int{bound(kh8, 0, 5), bound(kw8, 0, 5)}
		pad, stride := [2]int{bound(e, -1, 3), bound(g, -1, 3)}, [2]int{bound(s1, -1, 3), bound(s2, -1, 3)}
		opts := []Option{KernelSize(kernel[:]...), Padding(pad[:]...)}
		if defaultStride {
			stride = kernel
		} else {
			opts = append(opts, Stride(stride[:]...))
		}
		r := fuzzRand(seed)
		x := maybeRef(r, n, c, h, w)
		out, err := runOp(t, func() *tensors.Tensor {
			if mode == "max" {
				return NewMaxPool2d(opts...).Forward(x.tensor())
			}
			return NewAvgPool2d(opts...).Forward(x.tensor())
		})
		valid := n >= 1 && c >= 1 && h >= 1 && w >= 1 && kernel[0] >= 1 && kernel[1] >= 1 && stride[0] >= 1 && stride[1] >= 1 &&
			pad[0] >= 0 && pad[1] >= 0 && 2*pad[0] <= kernel[0] && 2*pad[1] <= kernel[1] &&
			h+2*pad[0] >= kernel[0] && w+2*pad[1] >= kernel[1]
		expect(t, valid, func() refTensor { return refPool(x, kernel, stride, pad, mode) }, out, err)
	})
}

func FuzzMaxPool2d(f *testing.F) { fuzzPool(f, "max") }

func FuzzAvgPool2d(f *testing.F) { fuzzPool(f, "avg") }

func FuzzScratchConv2D(f *testing.F) {
	f.Add(uint64(1), int8(3), int8(3), int8(2), int8(2))
	f.Add(uint64(2), int8(6), int8(8), int8(1), int8(2))
	f.Add(uint64(3), int8(1), int8(1), int8(2), int8(0))
	f.Fuzz(func(t *testing.T, seed uint64, a, b, c, d int8) {
		h, w, kh, kw := bound(a, 0, 8), bound(b, 0, 8), bound(c, 0, 5), bound(d, 0, 5)
		r := fuzzRand(seed)
		x := maybeRef(r, h, w)
		var k refTensor
		bias := float64(float32(r.NormFloat64()))
		out, err := runOp(t, func() *tensors.Tensor {
			layer := NewScratchConv2D(kh, kw)
			k = randRef(r, kh, kw)
			layer.Weight, layer.Bias = k.tensor(), Tensor(bias)
			return layer.Forward(x.tensor())
		})
		valid := kh >= 1 && kw >= 1 && h >= kh && w >= kw
		expect(t, valid, func() refTensor {
			return refConv(x.reshaped(1, 1, h, w), k.reshaped(1, 1, kh, kw), []float64{bias}, [2]int{}, [2]int{1, 1}).reshaped(h-kh+1, w-kw+1)
		}, out, err)
	})
}
