package d2l

import (
	"fmt"
	"math"
	"slices"

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

// checkTensor panics with a *Error unless t is a non-nil float32 tensor without NaN whose rank is
// one of ranks (any rank when ranks is empty). want describes the expected shape, e.g.
// "rank 2 [kh, kw]". It returns t's dimensions.
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
	d := dims(t)
	var bad = -1
	tensors.MustConstFlatData(t, func(flat []float32) {
		for i, v := range flat {
			if v != v {
				bad = i
				return
			}
		}
	})
	if bad >= 0 {
		fail(fn, arg, "no NaN", "NaN at index %v", unflatten(bad, d))
	}
	return d
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
