//go:build d2lgrader

package sec64

import (
	"fmt"
	"testing"

	"github.com/d2l-go/d2l-go/exercises/testutil"
	ref "github.com/d2l-go/d2l-go/solutions/sec64"
	"github.com/stretchr/testify/require"
)

// TestHidden_ComposeKernels compares ComposeKernels with the reference on random kernels.
//
//d2l:test 6.4-1 points=2
func TestHidden_ComposeKernels(t *testing.T) {
	r := testutil.Rng(6410)
	for _, c := range [][4]int{{1, 1, 3, 3}, {2, 2, 2, 2}, {3, 1, 1, 4}, {4, 3, 2, 5}} {
		K1, K2 := testutil.Rand2D(r, c[0], c[1]), testutil.Rand2D(r, c[2], c[3])
		testutil.Close2D(t, ref.ComposeKernels(K1, K2), ComposeKernels(copy2(K1), copy2(K2)), testutil.Tol, fmt.Sprintf("ComposeKernels(K1 %v, K2 %v)", c[:2], c[2:]))
	}
}

// randomConv draws a random convolution configuration.
func randomConv(seed uint64) [10]int {
	r := testutil.Rng(seed)
	kh, kw := 1+r.IntN(5), 1+r.IntN(5)
	return [10]int{1 + r.IntN(8), kh + r.IntN(30), kw + r.IntN(30), 1 + r.IntN(16), kh, kw, r.IntN(3), r.IntN(3), 1 + r.IntN(3), 1 + r.IntN(3)}
}

// TestHidden_ConvForwardCost compares every field with the reference on random configurations.
//
//d2l:test 6.4-2 points=2
func TestHidden_ConvForwardCost(t *testing.T) {
	for seed := uint64(1); seed <= 30; seed++ {
		c := randomConv(seed)
		want := ConvCost(ref.ConvForwardCost(c[0], c[1], c[2], c[3], c[4], c[5], c[6], c[7], c[8], c[9]))
		got := ConvForwardCost(c[0], c[1], c[2], c[3], c[4], c[5], c[6], c[7], c[8], c[9])
		require.Equal(t, want, got, "ConvForwardCost(ci, h, w, co, kh, kw, ph, pw, sh, sw = %v)", c)
	}
}

// TestHidden_CostGrowth compares both factors with the reference.
//
//d2l:test 6.4-3 points=1
func TestHidden_CostGrowth(t *testing.T) {
	for seed := uint64(40); seed <= 60; seed++ {
		c := randomConv(seed)
		wc, wp := ref.CostGrowth(c[0], c[1], c[2], c[3], c[4], c[5], c[6], c[7], c[8], c[9])
		gc, gp := CostGrowth(c[0], c[1], c[2], c[3], c[4], c[5], c[6], c[7], c[8], c[9])
		require.InDelta(t, wc, gc, 1e-9, "CostGrowth channels, config %v", c)
		require.InDelta(t, wp, gp, 1e-9, "CostGrowth padding, config %v", c)
	}
}

// TestHidden_Corr2DMultiInOutMatMul compares with the reference on random shapes.
//
//d2l:test 6.4-6 points=2
func TestHidden_Corr2DMultiInOutMatMul(t *testing.T) {
	r := testutil.Rng(646)
	for _, c := range [][5]int{{1, 1, 4, 4, 1}, {3, 2, 5, 6, 2}, {2, 4, 3, 7, 3}} {
		X := testutil.Rand3D(r, c[0], c[2], c[3])
		K := testutil.Rand4D(r, c[1], c[0], c[4], c[4])
		testutil.Close3D(t, ref.Corr2DMultiInOutMatMul(X, K), Corr2DMultiInOutMatMul(copy3(X), copy4(K)), testutil.Tol,
			fmt.Sprintf("Corr2DMultiInOutMatMul(X [%d %d %d], K [%d %d %d %d])", c[0], c[2], c[3], c[1], c[0], c[4], c[4]))
	}
}

// TestHidden_Conv1x1MatMul compares with the reference on random shapes.
//
//d2l:test 6.4-7 points=2
func TestHidden_Conv1x1MatMul(t *testing.T) {
	r := testutil.Rng(647)
	for _, c := range [][4]int{{1, 1, 2, 2}, {3, 5, 4, 3}, {6, 2, 1, 7}} {
		X := testutil.Rand3D(r, c[0], c[2], c[3])
		W := testutil.Rand2D(r, c[1], c[0])
		testutil.Close3D(t, ref.Conv1x1MatMul(X, W), Conv1x1MatMul(copy3(X), copy2(W)), testutil.Tol, fmt.Sprintf("Conv1x1MatMul(X [%d %d %d], W [%d %d])", c[0], c[2], c[3], c[1], c[0]))
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

func copy3(m [][][]float32) [][][]float32 {
	out := make([][][]float32, len(m))
	for i := range m {
		out[i] = copy2(m[i])
	}
	return out
}

func copy4(m [][][][]float32) [][][][]float32 {
	out := make([][][][]float32, len(m))
	for i := range m {
		out[i] = copy3(m[i])
	}
	return out
}
