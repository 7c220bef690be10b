package sec65_test

import (
	"math"
	"testing"

	"github.com/d2l-go/d2l-go/solutions/grid"
	"github.com/d2l-go/d2l-go/solutions/sec65"
	"github.com/d2l-go/d2l-go/solutions/testutil"
	"github.com/stretchr/testify/require"
)

// bookX returns the book's 3×3 pooling input 0…8, a new matrix on every call.
func bookX() [][]float32 {
	return testutil.Matrix([]float64{0, 1, 2}, []float64{3, 4, 5}, []float64{6, 7, 8})
}

// TestAvgPoolKernel checks averaging kernels, square and not.
//
//d2l:test 6.5-1 points=1
func TestAvgPoolKernel(t *testing.T) {
	defer testutil.Catch(t)
	want := testutil.Matrix([]float64{0.25, 0.25}, []float64{0.25, 0.25})
	testutil.Close2D(t, want, sec65.AvgPoolKernel(2, 2), 1e-6, "AvgPoolKernel(2, 2)")
	sixth := 1.0 / 6
	want = testutil.Matrix([]float64{sixth, sixth, sixth}, []float64{sixth, sixth, sixth})
	testutil.Close2D(t, want, sec65.AvgPoolKernel(2, 3), 1e-6, "AvgPoolKernel(2, 3)")
}

// TestAvgPoolViaCorr checks the book's example, [[2 3] [5 6]], and a 2×3 window on random values.
//
//d2l:test 6.5-1 points=2
func TestAvgPoolViaCorr(t *testing.T) {
	defer testutil.Catch(t)
	want := testutil.Matrix([]float64{2, 3}, []float64{5, 6})
	testutil.Close2D(t, want, sec65.AvgPoolViaCorr(bookX(), 2, 2), 1e-6, "AvgPoolViaCorr(X, 2, 2)")
	X := testutil.Rand2D(testutil.Rng(651), 5, 6)
	testutil.Close2D(t, grid.Pool2D(X, 2, 3, "avg"), sec65.AvgPoolViaCorr(X, 2, 3), 1e-5,
		"AvgPoolViaCorr(random X [5 6], 2, 3)")
}

// TestMaxViaReLU checks max(a, b) on a few pairs, ties and negatives included.
//
//d2l:test 6.5-2 points=1
func TestMaxViaReLU(t *testing.T) {
	defer testutil.Catch(t)
	for _, c := range [][2]float32{{1, 2}, {2, 1}, {-3, -5}, {4, 4}, {0, -0.5}} {
		require.Equal(t, max(c[0], c[1]), sec65.MaxViaReLU(c[0], c[1]),
			"MaxViaReLU(%v, %v)", c[0], c[1])
	}
}

// TestMaxPool2x2ViaConv checks the book's example, [[4 5] [7 8]], and random values, where
// the maximum of a window can be any of its four pixels.
//
//d2l:test 6.5-2 points=2
func TestMaxPool2x2ViaConv(t *testing.T) {
	defer testutil.Catch(t)
	want := testutil.Matrix([]float64{4, 5}, []float64{7, 8})
	testutil.Close2D(t, want, sec65.MaxPool2x2ViaConv(bookX()), 0, "MaxPool2x2ViaConv(X)")
	X := testutil.Rand2D(testutil.Rng(652), 5, 6)
	testutil.Close2D(t, grid.Pool2D(X, 2, 2, "max"), sec65.MaxPool2x2ViaConv(X), 1e-5,
		"MaxPool2x2ViaConv(random X [5 6]) (a window's max is not always its last pixel)")
}

// TestMaxPoolComparisons checks 2×2 pooling with stride 2 on a 4×4 input.
//
//d2l:test 6.5-3 points=1
func TestMaxPoolComparisons(t *testing.T) {
	defer testutil.Catch(t)
	require.Equal(t, 12, sec65.MaxPoolComparisons(1, 4, 4, 2, 2, 0, 0, 2, 2))
}

// TestMinPool2D checks the book's input, [[0 1] [3 4]], and a 2×3 window on random values.
//
//d2l:test 6.5-5 points=2
func TestMinPool2D(t *testing.T) {
	defer testutil.Catch(t)
	want := testutil.Matrix([]float64{0, 1}, []float64{3, 4})
	testutil.Close2D(t, want, sec65.MinPool2D(bookX(), 2, 2), 0, "MinPool2D(X, 2, 2)")
	X := testutil.Rand2D(testutil.Rng(655), 5, 6)
	want = grid.Zeros(4, 4)
	for i := range want {
		for j := range want[i] {
			m := X[i][j]
			for a := 0; a < 2; a++ {
				for b := 0; b < 3; b++ {
					m = min(m, X[i+a][j+b])
				}
			}
			want[i][j] = m
		}
	}
	testutil.Close2D(t, want, sec65.MinPool2D(X, 2, 3), 0,
		"MinPool2D(random X [5 6], 2, 3) (a window's min is not always its first pixel)")
}

// TestSoftmaxPool2D_Limits checks that β = 0 gives average pooling and a large
// β gives max pooling, also where e^{βx} alone would overflow (β·x = 800).
//
//d2l:test 6.5-6 points=2
func TestSoftmaxPool2D_Limits(t *testing.T) {
	defer testutil.Catch(t)
	avgPool := testutil.Matrix([]float64{2, 3}, []float64{5, 6})
	testutil.Close2D(t, avgPool, sec65.SoftmaxPool2D(bookX(), 2, 2, 0), 1e-5,
		"SoftmaxPool2D(X, 2, 2, β=0)")
	maxPool := testutil.Matrix([]float64{4, 5}, []float64{7, 8})
	testutil.Close2D(t, maxPool, sec65.SoftmaxPool2D(bookX(), 2, 2, 50), 1e-4,
		"SoftmaxPool2D(X, 2, 2, β=50)")
	testutil.Close2D(t, maxPool, sec65.SoftmaxPool2D(bookX(), 2, 2, 100), 1e-4,
		"SoftmaxPool2D(X, 2, 2, β=100): e^{100·8} overflows; subtract the window's max first")
}

// TestSoftmaxPool2D_Between checks avg <= softmax pooling <= max for β = 1.
//
//d2l:test 6.5-6 points=1
func TestSoftmaxPool2D_Between(t *testing.T) {
	defer testutil.Catch(t)
	got := sec65.SoftmaxPool2D(bookX(), 2, 2, 1)
	testutil.ShapeIs(t, got, 2, 2, "SoftmaxPool2D(X, 2, 2, 1)")
	// Window {0, 1, 3, 4} with β = 1: Σ x e^x / Σ e^x.
	num, den := 0.0, 0.0
	for _, x := range []float64{0, 1, 3, 4} {
		num += x * math.Exp(x)
		den += math.Exp(x)
	}
	require.InDelta(t, num/den, float64(got[0][0]), 1e-4, "SoftmaxPool2D(X, 2, 2, 1)[0][0]")
}
