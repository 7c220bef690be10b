package sec61_test

import (
	"testing"

	"github.com/d2l-go/d2l-go/solutions/sec61"
	"github.com/d2l-go/d2l-go/solutions/testutil"
)

// TestConv1D_Shape checks the output length n-m+1.
//
//d2l:test 6.1-4 points=1
func TestConv1D_Shape(t *testing.T) {
	defer testutil.Catch(t)
	if got := sec61.Conv1D(make([]float32, 10), make([]float32, 3), 0); len(got) != 8 {
		t.Fatalf("Conv1D(x [10], k [3], 0): got length %d, want 8", len(got))
	}
}

// TestConv1D_Values checks a hand-computed example.
//
//d2l:test 6.1-4 points=2
func TestConv1D_Values(t *testing.T) {
	defer testutil.Catch(t)
	got := sec61.Conv1D([]float32{1, 2, 3, 4, 5}, []float32{1, 0, -1}, 0.5)
	testutil.Close1D(t, []float32{-1.5, -1.5, -1.5}, got, 0, "Conv1D([1 2 3 4 5], [1 0 -1], 0.5)")
}

// TestConvolve2D_Shape checks the full output shape [p+r-1][q+s-1].
//
//d2l:test 6.1-6 points=1
func TestConvolve2D_Shape(t *testing.T) {
	defer testutil.Catch(t)
	r := testutil.Rng(61)
	got := sec61.Convolve2D(testutil.Rand2D(r, 2, 3), testutil.Rand2D(r, 4, 2))
	testutil.ShapeIs(t, got, 5, 4, "Convolve2D(f [2 3], g [4 2])")
}

// TestConvolve2D_Values checks a small example and that f*g = g*f.
//
//d2l:test 6.1-6 points=2
func TestConvolve2D_Values(t *testing.T) {
	defer testutil.Catch(t)
	f := testutil.Matrix([]float64{1, 2}, []float64{3, 4})
	g := testutil.Matrix([]float64{0, 1}, []float64{1, 0})
	want := testutil.Matrix([]float64{0, 1, 2}, []float64{1, 5, 4}, []float64{3, 4, 0})
	testutil.Close2D(t, want, sec61.Convolve2D(f, g), 0, "Convolve2D(f, g)")
	testutil.Close2D(t, want, sec61.Convolve2D(g, f), 0, "Convolve2D(g, f)")
}
