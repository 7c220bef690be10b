package sec62_test

import (
	"testing"

	"github.com/d2l-go/d2l-go/solutions/sec62"
	"github.com/d2l-go/d2l-go/solutions/testutil"
)

// TestIm2Col_Shape checks the unfolded shape for a 3×4 input and a 2×2 window.
//
//d2l:test 6.2-3a points=1
func TestIm2Col_Shape(t *testing.T) {
	defer testutil.Catch(t)
	got := sec62.Im2Col(testutil.Rand2D(testutil.Rng(2), 3, 4), 2, 2)
	testutil.ShapeIs(t, got, 6, 4, "Im2Col(X [3 4], 2, 2)")
}

// TestIm2Col_Values checks the rows of the book's 3×3 example (X = 0…8, 2×2 window).
//
//d2l:test 6.2-3a points=1
func TestIm2Col_Values(t *testing.T) {
	defer testutil.Catch(t)
	X := testutil.Matrix([]float64{0, 1, 2}, []float64{3, 4, 5}, []float64{6, 7, 8})
	want := testutil.Matrix(
		[]float64{0, 1, 3, 4},
		[]float64{1, 2, 4, 5},
		[]float64{3, 4, 6, 7},
		[]float64{4, 5, 7, 8},
	)
	testutil.Close2D(t, want, sec62.Im2Col(X, 2, 2), 0, "Im2Col(X, 2, 2)")
}

// TestCorr2DMatMul_Book checks the book's first example: [[19 25] [37 43]].
//
//d2l:test 6.2-3a points=2
func TestCorr2DMatMul_Book(t *testing.T) {
	defer testutil.Catch(t)
	X := testutil.Matrix([]float64{0, 1, 2}, []float64{3, 4, 5}, []float64{6, 7, 8})
	K := testutil.Matrix([]float64{0, 1}, []float64{2, 3})
	want := testutil.Matrix([]float64{19, 25}, []float64{37, 43})
	testutil.Close2D(t, want, sec62.Corr2DMatMul(X, K), 0, "Corr2DMatMul(X, K)")
}
