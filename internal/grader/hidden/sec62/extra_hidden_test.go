//go:build d2lgrader

package sec62_test

import (
	"fmt"
	"math"
	"testing"

	"github.com/d2l-go/d2l-go/exercises/grid"
	"github.com/d2l-go/d2l-go/exercises/sec62"
	"github.com/d2l-go/d2l-go/exercises/testutil"
	ref "github.com/d2l-go/d2l-go/solutions/sec62"
)

// TestHidden_DirectionalEdgeKernel compares the responses of the kernel with the
// reference's on random images and directions (any kernel with the same responses
// is right).
//
//d2l:test 6.2-5 points=2
func TestHidden_DirectionalEdgeKernel(t *testing.T) {
	defer testutil.Catch(t)
	r := testutil.Rng(625)
	for n := range 5 {
		v1, v2 := float32(r.Float64()*4-2), float32(r.Float64()*4-2)
		X := testutil.Rand2D(r, 6, 7)
		want := grid.Corr2D(X, ref.DirectionalEdgeKernel(v1, v2)) // the reference first
		K := sec62.DirectionalEdgeKernel(v1, v2)
		what := fmt.Sprintf("random direction %d: DirectionalEdgeKernel(v1, v2)", n+1)
		testutil.ShapeIs(t, K, 2, 2, what)
		testutil.Close2D(t, want, grid.Corr2D(X, K), testutil.Tol, what+": its response on a random image [6 7]")
	}
}

// TestHidden_BlurKernel checks the blur properties for more sizes, and that a random
// image is smoothed (its total variation does not grow).
//
//d2l:test 6.2-6 points=2
func TestHidden_BlurKernel(t *testing.T) {
	defer testutil.Catch(t)
	r := testutil.Rng(626)
	for _, n := range []int{3, 7, 9} {
		K := sec62.BlurKernel(n)
		what := fmt.Sprintf("BlurKernel(%d)", n)
		testutil.ShapeIs(t, K, n, n, what)
		sum := 0.0
		for i := range K {
			for j := range K[i] {
				ok := K[i][j] >= 0 && math.Abs(float64(K[i][j]-K[n-1-i][n-1-j])) <= 1e-6 && math.Abs(float64(K[i][j]-K[j][i])) <= 1e-6
				testutil.True(t, ok, fmt.Sprintf("%s[%d][%d] = %v: want weights >= 0, symmetric", what, i, j, K[i][j]),
					fmt.Sprintf("%s[%d][%d]: want weights >= 0, symmetric", what, i, j))
				sum += float64(K[i][j])
			}
		}
		testutil.InDelta(t, 1, sum, 1e-5, what+": the sum of the weights")
		X := testutil.Rand2D(r, 3*n, 3*n)
		Y := grid.Corr2D(X, K)
		testutil.True(t, hiddenTV(Y) < hiddenTV(X),
			fmt.Sprintf("%s: the total variation of a random image grew from %v to %v; a blur smooths it", what, hiddenTV(X), hiddenTV(Y)),
			what+": the total variation of a random image grew; a blur smooths it")
	}
}

// hiddenTV is the mean absolute difference of horizontally adjacent values.
func hiddenTV(X [][]float32) float64 {
	s, n := 0.0, 0
	for _, row := range X {
		for j := 1; j < len(row); j++ {
			s += math.Abs(float64(row[j] - row[j-1]))
			n++
		}
	}
	return s / float64(n)
}
