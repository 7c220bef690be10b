//go:build d2lgrader

package sec65_test

import (
	"fmt"
	"testing"

	"github.com/d2l-go/d2l-go/exercises/grid"
	"github.com/d2l-go/d2l-go/exercises/sec65"
	"github.com/d2l-go/d2l-go/exercises/testutil"
	ref "github.com/d2l-go/d2l-go/solutions/sec65"
)

// TestHidden_AvgPool compares both functions with the reference on random inputs.
//
//d2l:test 6.5-1 points=2
func TestHidden_AvgPool(t *testing.T) {
	defer testutil.Catch(t)
	r := testutil.Rng(651)
	for _, c := range [][4]int{{5, 5, 3, 3}, {4, 6, 1, 2}, {6, 4, 4, 4}} {
		X := testutil.Rand2D(r, c[0], c[1])
		testutil.Close2D(t, ref.AvgPoolKernel(c[2], c[3]), sec65.AvgPoolKernel(c[2], c[3]), testutil.Tol, fmt.Sprintf("AvgPoolKernel(%d, %d)", c[2], c[3]))
		want := grid.Pool2D(X, c[2], c[3], "avg")
		testutil.Close2D(t, want, sec65.AvgPoolViaCorr(X, c[2], c[3]), testutil.Tol, fmt.Sprintf("AvgPoolViaCorr of a random X %v with a %d×%d window", c[:2], c[2], c[3]))
	}
}

// TestHidden_MaxViaConv compares with max and max pooling on random inputs.
//
//d2l:test 6.5-2 points=2
func TestHidden_MaxViaConv(t *testing.T) {
	defer testutil.Catch(t)
	r := testutil.Rng(652)
	for i := range 50 {
		a, b := float32(r.NormFloat64()), float32(r.NormFloat64())
		testutil.InDelta(t, float64(max(a, b)), float64(sec65.MaxViaReLU(a, b)), 1e-6, fmt.Sprintf("MaxViaReLU of random pair %d", i+1))
	}
	for _, c := range [][2]int{{2, 2}, {5, 7}, {8, 3}} {
		X := testutil.Rand2D(r, c[0], c[1])
		want := ref.MaxPool2x2ViaConv(testutil.Copy2D(X))
		testutil.Close2D(t, want, sec65.MaxPool2x2ViaConv(X), testutil.Tol, fmt.Sprintf("MaxPool2x2ViaConv of a random X %v", c))
	}
}

// TestHidden_MaxPoolComparisons compares with the reference on random configurations.
//
//d2l:test 6.5-3 points=1
func TestHidden_MaxPoolComparisons(t *testing.T) {
	defer testutil.Catch(t)
	r := testutil.Rng(653)
	for range 30 {
		ph, pw := 1+r.IntN(4), 1+r.IntN(4)
		c := [9]int{1 + r.IntN(8), ph + r.IntN(20), pw + r.IntN(20), ph, pw, r.IntN(ph/2 + 1), r.IntN(pw/2 + 1), 1 + r.IntN(3), 1 + r.IntN(3)}
		testutil.Equal(t, ref.MaxPoolComparisons(c[0], c[1], c[2], c[3], c[4], c[5], c[6], c[7], c[8]),
			sec65.MaxPoolComparisons(c[0], c[1], c[2], c[3], c[4], c[5], c[6], c[7], c[8]), fmt.Sprintf("MaxPoolComparisons%v", c))
	}
}

// TestHidden_MinPool compares with the reference on random inputs.
//
//d2l:test 6.5-5 points=1
func TestHidden_MinPool(t *testing.T) {
	defer testutil.Catch(t)
	r := testutil.Rng(655)
	for _, c := range [][4]int{{5, 5, 2, 2}, {4, 7, 3, 1}, {3, 3, 3, 3}} {
		X := testutil.Rand2D(r, c[0], c[1])
		want := ref.MinPool2D(testutil.Copy2D(X), c[2], c[3])
		testutil.Close2D(t, want, sec65.MinPool2D(X, c[2], c[3]), 0, fmt.Sprintf("MinPool2D of a random X %v with a %d×%d window", c[:2], c[2], c[3]))
	}
}

// TestHidden_SoftmaxPool compares with the reference for several β, including
// values large enough to overflow a naive exp.
//
//d2l:test 6.5-6 points=2
func TestHidden_SoftmaxPool(t *testing.T) {
	defer testutil.Catch(t)
	r := testutil.Rng(656)
	for _, beta := range []float32{0.1, 1, 5, 200} {
		X := testutil.Rand2D(r, 5, 6)
		for i := range X {
			for j := range X[i] {
				X[i][j] *= 10
			}
		}
		want := ref.SoftmaxPool2D(testutil.Copy2D(X), 2, 3, beta)
		testutil.Close2D(t, want, sec65.SoftmaxPool2D(X, 2, 3, beta), 1e-3, fmt.Sprintf("SoftmaxPool2D of a random X [5 6] in [-10, 10) with a 2×3 window, β = %v", beta))
	}
}
