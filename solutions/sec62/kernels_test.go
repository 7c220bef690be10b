package sec62_test

import (
	"fmt"
	"math"
	"testing"

	"github.com/d2l-go/d2l-go/solutions/grid"
	"github.com/d2l-go/d2l-go/solutions/sec62"
	"github.com/d2l-go/d2l-go/solutions/testutil"
	"github.com/stretchr/testify/require"
)

// samples returns the [1][n] row f(0), …, f(n-1).
func samples(n int, f func(x float64) float64) [][]float32 {
	row := make([]float32, n)
	for i := range row {
		row[i] = float32(f(float64(i)))
	}
	return [][]float32{row}
}

// TestSecondDerivativeKernel_Shape checks that the kernel is one row of three.
//
//d2l:test 6.2-4a points=1
func TestSecondDerivativeKernel_Shape(t *testing.T) {
	defer testutil.Catch(t)
	testutil.ShapeIs(t, sec62.SecondDerivativeKernel(), 1, 3, "SecondDerivativeKernel()")
}

// TestSecondDerivativeKernel_Cubic checks f”(x) = 6x + 2 for f = x³ + x².
//
//d2l:test 6.2-4a points=2
func TestSecondDerivativeKernel_Cubic(t *testing.T) {
	defer testutil.Catch(t)
	cubic := samples(8, func(x float64) float64 { return x*x*x + x*x })
	got := grid.Corr2D(cubic, sec62.SecondDerivativeKernel())
	want := samples(6, func(x float64) float64 { return 6*(x+1) + 2 })
	testutil.Close2D(t, want, got, 1e-5, "corr2d(x³+x², K)")
}

// TestIntegralKernel checks the 2×3 box sums of a 3×4 ramp.
//
//d2l:test 6.2-4b points=2
func TestIntegralKernel(t *testing.T) {
	defer testutil.Catch(t)
	K := sec62.IntegralKernel(2, 3)
	testutil.ShapeIs(t, K, 2, 3, "IntegralKernel(2, 3)")
	X := testutil.Matrix([]float64{0, 1, 2, 3}, []float64{4, 5, 6, 7}, []float64{8, 9, 10, 11})
	want := testutil.Matrix([]float64{18, 24}, []float64{42, 48})
	testutil.Close2D(t, want, grid.Corr2D(X, K), 0, "corr2d(X, IntegralKernel(2, 3))")
}

// TestDerivativeKernel checks the width d+1 and the value d! on x^d for d = 1…4.
//
//d2l:test 6.2-4c points=2
func TestDerivativeKernel(t *testing.T) {
	defer testutil.Catch(t)
	fact := 1.0
	for d := 1; d <= 4; d++ {
		fact *= float64(d)
		t.Run(fmt.Sprint("d=", d), func(t *testing.T) {
			K := sec62.DerivativeKernel(d)
			testutil.ShapeIs(t, K, 1, d+1, fmt.Sprintf("DerivativeKernel(%d)", d))
			got := grid.Corr2D(samples(d+3, func(x float64) float64 {
				p := 1.0
				for range d {
					p *= x
				}
				return p
			}), K)
			for _, v := range got[0] {
				require.InDelta(t, fact, float64(v), 1e-3,
					"corr2d(x^%d, DerivativeKernel(%d)) should be %d! everywhere", d, d, d)
			}
		})
	}
}

// TestDirectionalEdgeKernel checks the response to ramps: v·(a, b) for a ramp along
// (a, b), and nothing for a ramp along (v2, −v1).
//
//d2l:test 6.2-5 points=2
func TestDirectionalEdgeKernel(t *testing.T) {
	defer testutil.Catch(t)
	for _, v := range [][2]float32{{1, 0}, {0, 1}, {1, -2}, {0.5, 3}} {
		K := sec62.DirectionalEdgeKernel(v[0], v[1])
		testutil.ShapeIs(t, K, 2, 2, fmt.Sprintf("DirectionalEdgeKernel(%v, %v)", v[0], v[1]))
		for _, ab := range [][2]float32{{2, 3}, {v[1], -v[0]}} {
			X := grid.Zeros(5, 6)
			for i := range X {
				for j := range X[i] {
					X[i][j] = ab[0]*float32(j) + ab[1]*float32(i)
				}
			}
			want := v[0]*ab[0] + v[1]*ab[1]
			for _, row := range grid.Corr2D(X, K) {
				for _, got := range row {
					require.InDelta(t, want, got, 1e-4,
						"corr2d(ramp X[i][j] = %v·j + %v·i, DirectionalEdgeKernel(%v, %v)) "+
							"should be %v everywhere", ab[0], ab[1], v[0], v[1], want)
				}
			}
		}
	}
}

// TestBlurKernel checks the properties of a blur: n×n, non-negative weights summing
// to 1, symmetric, constant images unchanged, a checkerboard smoothed.
//
//d2l:test 6.2-6 points=2
func TestBlurKernel(t *testing.T) {
	defer testutil.Catch(t)
	for _, n := range []int{1, 3, 5} {
		K := sec62.BlurKernel(n)
		what := fmt.Sprintf("BlurKernel(%d)", n)
		testutil.ShapeIs(t, K, n, n, what)
		sum := 0.0
		for i := range K {
			for j := range K[i] {
				require.GreaterOrEqual(t, K[i][j], float32(0),
					"%s[%d][%d]: weights of a blur are >= 0", what, i, j)
				require.InDelta(t, K[i][j], K[n-1-i][j], 1e-6, "%s is symmetric top-bottom", what)
				require.InDelta(t, K[i][j], K[i][n-1-j], 1e-6, "%s is symmetric left-right", what)
				require.InDelta(t, K[i][j], K[j][i], 1e-6,
					"%s is symmetric under transposition", what)
				sum += float64(K[i][j])
			}
		}
		require.InDelta(t, 1, sum, 1e-5,
			"%s: the weights sum to 1 (a constant image keeps its value)", what)
		if n > 1 {
			board := grid.Zeros(8, 8)
			for i := range board {
				for j := range board[i] {
					board[i][j] = float32((i + j) % 2)
				}
			}
			for _, row := range grid.Corr2D(board, K) {
				for _, v := range row {
					require.Less(t, math.Abs(float64(v)-0.5), 0.5,
						"%s on a 0/1 checkerboard: every output is strictly between 0 and 1", what)
				}
			}
		}
	}
}
