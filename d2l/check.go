package d2l

import (
	"fmt"
	"math"
	"slices"
	"unsafe"

	"github.com/gomlx/compute/dtypes"
	"github.com/gomlx/gomlx/core/tensors"
)

// dims returns a copy of t's dimensions.
func dims(t *tensors.Tensor) []int {
	return slices.Clone(t.Shape().Dimensions)
}

// shapeDesc describes t for error messages: "shape [3 3 3] (rank 3)".
func shapeDesc(t *tensors.Tensor) string {
	return fmt.Sprintf("shape %v (rank %d)", t.Shape().Dimensions, t.Rank())
}

// checkTensor panics with a *Error unless t is a non-nil float32 tensor whose rank is one of
// ranks (any rank when ranks is empty). want describes the expected shape, e.g.
// "rank 2 [kh, kw]". It returns t's dimensions. Values are not read: the host helpers (Sum,
// Add, Print, ...) work on NaN and ±Inf as PyTorch does.
func checkTensor(fn, arg string, t *tensors.Tensor, want string, ranks ...int) []int {
	if t == nil {
		fail(fn, arg, "a float32 tensor "+want, "nil")
	}
	if t.DType() != dtypes.Float32 {
		fail(fn, arg, "dtype float32 (use d2l.Tensor to convert)", "dtype %s", t.DType())
	}
	if len(ranks) > 0 && !slices.Contains(ranks, t.Rank()) {
		fail(fn, arg, want, "%s", shapeDesc(t))
	}
	return dims(t)
}

// checkFinite is checkTensor for the inputs of graph computations (the ops, the layers,
// Sequential, TrainBatch): it also panics, naming the first bad index, if t holds a NaN or an
// infinity, which would silently turn every value computed from it into NaN.
func checkFinite(fn, arg string, t *tensors.Tensor, want string, ranks ...int) []int {
	d := checkTensor(fn, arg, t, want, ranks...)
	bad := -1
	var badV float32
	tensors.MustConstFlatData(t, func(flat []float32) {
		if !hasNonFinite(flat) {
			return
		}
		for i, v := range flat {
			if v != v || math.IsInf(float64(v), 0) {
				bad, badV = i, v
				return
			}
		}
	})
	if bad >= 0 {
		what := "NaN"
		if badV == badV {
			what = fmt.Sprintf("%+v", badV) // +Inf or -Inf
		}
		fail(fn, arg, "finite values (no NaN or ±Inf)", "%s at index %v", what, unflatten(bad, d))
	}
	return d
}

// hasNonFinite reports whether flat holds a NaN or an infinity. It reads the values' bits two
// at a time as one uint64 (no branch per value): a float32 is NaN or infinite exactly when its
// bits without the sign are at least 0x7f800000 (infinity), that is when adding 0x00800000 to
// them sets bit 31, and the sum never carries into the other value's half. At LeNet's sizes it
// takes about 0.4 of the time of testing each value (BenchmarkHasNonFinite), which matters
// because every eager op checks its inputs.
func hasNonFinite(flat []float32) bool {
	const (
		abs   = 0x7fffffff_7fffffff // clears the sign of both halves
		carry = 0x00800000_00800000 // sets bit 31 of a half at or above infinity's bits
		sign  = 0x80000000_80000000
	)
	var a0, a1 uint64
	if n := len(flat) / 2; n > 0 {
		u := unsafe.Slice((*uint64)(unsafe.Pointer(&flat[0])), n)
		for len(u) >= 8 {
			a0 |= (u[0]&abs + carry) | (u[1]&abs + carry) | (u[2]&abs + carry) | (u[3]&abs + carry)
			a1 |= (u[4]&abs + carry) | (u[5]&abs + carry) | (u[6]&abs + carry) | (u[7]&abs + carry)
			u = u[8:]
		}
		for _, x := range u {
			a0 |= x&abs + carry
		}
	}
	if len(flat)%2 == 1 {
		a0 |= uint64(math.Float32bits(flat[len(flat)-1])&0x7fffffff + 0x00800000)
	}
	return (a0|a1)&sign != 0
}

// unflatten turns a flat row-major index into a multi-index for dims.
func unflatten(i int, dims []int) []int {
	idx := make([]int, len(dims))
	for a := len(dims) - 1; a >= 0; a-- {
		if dims[a] > 0 {
			idx[a] = i % dims[a]
			i /= dims[a]
		}
	}
	return idx
}

// checkPair validates a pair [h, w] of a layer option (kernel size, stride, padding).
func checkPair(fn, arg string, p [2]int, minValue int, want string) {
	if p[0] < minValue || p[1] < minValue {
		fail(fn, arg, want, "%v", p[:])
	}
}

// isFinite reports whether v is neither NaN nor infinite.
func isFinite(v float64) bool { return !math.IsNaN(v) && !math.IsInf(v, 0) }
