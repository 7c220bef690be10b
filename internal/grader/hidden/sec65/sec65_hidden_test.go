//go:build d2lgrader

package sec65

import (
	"fmt"
	"testing"

	"github.com/d2l-go/d2l-go/exercises/grid"
	"github.com/d2l-go/d2l-go/exercises/testutil"
	ref "github.com/d2l-go/d2l-go/solutions/sec65"
	"github.com/stretchr/testify/require"
)

// TestHidden_AvgPool compares both functions with the reference on random inputs.
//
//d2l:test 6.5-1 points=2
func TestHidden_AvgPool(t *testing.T) {
	r := testutil.Rng(651)
	for _, c := range [][4]int{{5, 5, 3, 3}, {4, 6, 1, 2}, {6, 4, 4, 4}} {
		X := testutil.Rand2D(r, c[0], c[1])
		testutil.Close2D(t, ref.AvgPoolKernel(c[2], c[3]), AvgPoolKernel(c[2], c[3]), testutil.Tol, fmt.Sprintf("AvgPoolKernel(%d, %d)", c[2], c[3]))
		testutil.Close2D(t, grid.Pool2D(X, c[2], c[3], "avg"), AvgPoolViaCorr(copy2(X), c[2], c[3]), testutil.Tol, fmt.Sprintf("AvgPoolViaCorr(X %v, %d, %d)", c[:2], c[2], c[3]))
	}
}

// TestHidden_MaxViaConv compares with max and max pooling on random inputs.
//
//d2l:test 6.5-2 points=2
func TestHidden_MaxViaConv(t *testing.T) {
	r := testutil.Rng(652)
	for range 50 {
		a, b := float32(r.NormFloat64()), float32(r.NormFloat64())
		require.InDelta(t, max(a, b), MaxViaReLU(a, b), 1e-6, "MaxViaReLU(%v, %v)", a, b)
	}
	for _, c := range [][2]int{{2, 2}, {5, 7}, {8, 3}} {
		X := testutil.Rand2D(r, c[0], c[1])
		testutil.Close2D(t, ref.MaxPool2x2ViaConv(X), MaxPool2x2ViaConv(copy2(X)), testutil.Tol, fmt.Sprintf("MaxPool2x2ViaConv(X %v)", c))
	}
}

// TestHidden_MaxPoolComparisons compares with the reference on random configurations.
//
//d2l:test 6.5-3 points=1
func TestHidden_MaxPoolComparisons(t *testing.T) {
	r := testutil.Rng(653)
	for range 30 {
		ph, pw := 1+r.IntN(4), 1+r.IntN(4)
		c := [9]int{1 + r.IntN(8), ph + r.IntN(20), pw + r.IntN(20), ph, pw, r.IntN(ph/2 + 1), r.IntN(pw/2 + 1), 1 + r.IntN(3), 1 + r.IntN(3)}
		require.Equal(t, ref.MaxPoolComparisons(c[0], c[1], c[2], c[3], c[4], c[5], c[6], c[7], c[8]),
			MaxPoolComparisons(c[0], c[1], c[2], c[3], c[4], c[5], c[6], c[7], c[8]), "MaxPoolComparisons%v", c)
	}
}

// TestHidden_MinPool compares with the reference on random inputs.
//
//d2l:test 6.5-5 points=1
func TestHidden_MinPool(t *testing.T) {
	r := testutil.Rng(655)
	for _, c := range [][4]int{{5, 5, 2, 2}, {4, 7, 3, 1}, {3, 3, 3, 3}} {
		X := testutil.Rand2D(r, c[0], c[1])
		testutil.Close2D(t, ref.MinPool2D(X, c[2], c[3]), MinPool2D(copy2(X), c[2], c[3]), 0, fmt.Sprintf("MinPool2D(X %v, %d, %d)", c[:2], c[2], c[3]))
	}
}

// TestHidden_SoftmaxPool compares with the reference for several β, including
// values large enough to overflow a naive exp.
//
//d2l:test 6.5-6 points=2
func TestHidden_SoftmaxPool(t *testing.T) {
	r := testutil.Rng(656)
	for _, beta := range []float32{0.1, 1, 5, 200} {
		X := testutil.Rand2D(r, 5, 6)
		for i := range X {
			for j := range X[i] {
				X[i][j] *= 10
			}
		}
		testutil.Close2D(t, ref.SoftmaxPool2D(X, 2, 3, beta), SoftmaxPool2D(copy2(X), 2, 3, beta), 1e-3, fmt.Sprintf("SoftmaxPool2D(X [5 6] in [-10, 10), 2, 3, β=%v)", beta))
	}
}

// The student's code gets its own deep copy of every input (copy1…copy4) and
// the reference is computed first, so that code that changes its input
// cannot change what it is compared with.
func copy1(x []float32) []float32 { return append([]float32(nil), x...) }

func copy2(m [][]float32) [][]float32 {
	out := make([][]float32, len(m))
	for i := range m {
		out[i] = copy1(m[i])
	}
	return out
}
