//go:build d2lgrader

package sec64_test

import (
	"fmt"
	"testing"

	"github.com/d2l-go/d2l-go/exercises/sec64"
	"github.com/d2l-go/d2l-go/exercises/testutil"
	ref "github.com/d2l-go/d2l-go/solutions/sec64"
)

// TestHidden_ComposeKernels compares ComposeKernels with the reference on random kernels.
//
//d2l:test 6.4-1 points=2
func TestHidden_ComposeKernels(t *testing.T) {
	defer testutil.Catch(t)
	r := testutil.Rng(6410)
	for _, c := range [][4]int{{1, 1, 3, 3}, {2, 2, 2, 2}, {3, 1, 1, 4}, {4, 3, 2, 5}} {
		K1, K2 := testutil.Rand2D(r, c[0], c[1]), testutil.Rand2D(r, c[2], c[3])
		want := ref.ComposeKernels(testutil.Copy2D(K1), testutil.Copy2D(K2))
		testutil.Close2D(t, want, sec64.ComposeKernels(K1, K2), testutil.Tol, fmt.Sprintf("ComposeKernels of random K1 %v and K2 %v", c[:2], c[2:]))
	}
}

// hiddenConv draws a random convolution configuration.
func hiddenConv(seed uint64) [10]int {
	r := testutil.Rng(seed)
	kh, kw := 1+r.IntN(5), 1+r.IntN(5)
	return [10]int{1 + r.IntN(8), kh + r.IntN(30), kw + r.IntN(30), 1 + r.IntN(16), kh, kw, r.IntN(3), r.IntN(3), 1 + r.IntN(3), 1 + r.IntN(3)}
}

// TestHidden_ConvForwardCost compares every field with the reference on random configurations.
//
//d2l:test 6.4-2 points=2
func TestHidden_ConvForwardCost(t *testing.T) {
	defer testutil.Catch(t)
	for seed := uint64(1); seed <= 30; seed++ {
		c := hiddenConv(seed)
		w := ref.ConvForwardCost(c[0], c[1], c[2], c[3], c[4], c[5], c[6], c[7], c[8], c[9])
		g := sec64.ConvForwardCost(c[0], c[1], c[2], c[3], c[4], c[5], c[6], c[7], c[8], c[9])
		testutil.Equal(t, [5]int{w.Mults, w.Adds, w.InputFloats, w.WeightFloats, w.OutputFloats}, [5]int{g.Mults, g.Adds, g.InputFloats, g.WeightFloats, g.OutputFloats},
			fmt.Sprintf("ConvForwardCost(ci, h, w, co, kh, kw, ph, pw, sh, sw = %v): [Mults Adds InputFloats WeightFloats OutputFloats]", c))
	}
}

// TestHidden_CostGrowth compares both factors with the reference.
//
//d2l:test 6.4-3 points=1
func TestHidden_CostGrowth(t *testing.T) {
	defer testutil.Catch(t)
	for seed := uint64(40); seed <= 60; seed++ {
		c := hiddenConv(seed)
		wc, wp := ref.CostGrowth(c[0], c[1], c[2], c[3], c[4], c[5], c[6], c[7], c[8], c[9])
		gc, gp := sec64.CostGrowth(c[0], c[1], c[2], c[3], c[4], c[5], c[6], c[7], c[8], c[9])
		testutil.InDelta(t, wc, gc, 1e-9, fmt.Sprintf("CostGrowth(%v): the channels factor", c))
		testutil.InDelta(t, wp, gp, 1e-9, fmt.Sprintf("CostGrowth(%v): the padding factor", c))
	}
}

// TestHidden_Corr2DMultiInOutMatMul compares with the reference on random shapes.
//
//d2l:test 6.4-6 points=2
func TestHidden_Corr2DMultiInOutMatMul(t *testing.T) {
	defer testutil.Catch(t)
	r := testutil.Rng(646)
	for _, c := range [][5]int{{1, 1, 4, 4, 1}, {3, 2, 5, 6, 2}, {2, 4, 3, 7, 3}} {
		X := testutil.Rand3D(r, c[0], c[2], c[3])
		K := testutil.Rand4D(r, c[1], c[0], c[4], c[4])
		want := ref.Corr2DMultiInOutMatMul(testutil.Copy3D(X), testutil.Copy4D(K))
		testutil.Close3D(t, want, sec64.Corr2DMultiInOutMatMul(X, K), testutil.Tol,
			fmt.Sprintf("Corr2DMultiInOutMatMul of a random X [%d %d %d] and random K [%d %d %d %d]", c[0], c[2], c[3], c[1], c[0], c[4], c[4]))
	}
}

// TestHidden_FuseConv1x1 compares the fused weights and biases with the reference on random layers.
//
//d2l:test 6.4-7 points=2
func TestHidden_FuseConv1x1(t *testing.T) {
	defer testutil.Catch(t)
	r := testutil.Rng(647)
	for _, c := range [][3]int{{1, 1, 1}, {3, 5, 4}, {6, 2, 1}, {2, 7, 3}} {
		W1, b1 := testutil.Rand2D(r, c[1], c[0]), testutil.Rand2D(r, 1, c[1])[0]
		W2, b2 := testutil.Rand2D(r, c[2], c[1]), testutil.Rand2D(r, 1, c[2])[0]
		wantW, wantB := ref.FuseConv1x1(testutil.Copy2D(W1), testutil.Copy1D(b1), testutil.Copy2D(W2), testutil.Copy1D(b2))
		W, b := sec64.FuseConv1x1(W1, b1, W2, b2)
		what := fmt.Sprintf("FuseConv1x1 of random layers c0 = %d, c1 = %d, c2 = %d", c[0], c[1], c[2])
		testutil.Close2D(t, wantW, W, testutil.Tol, what+": W")
		testutil.Close1D(t, wantB, b, testutil.Tol, what+": b")
	}
}
