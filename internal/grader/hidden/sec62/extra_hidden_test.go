//go:build d2lgrader

package sec62

import (
	"fmt"
	"math"
	"testing"

	"github.com/d2l-go/d2l-go/exercises/grid"
	"github.com/d2l-go/d2l-go/exercises/testutil"
	ref "github.com/d2l-go/d2l-go/solutions/sec62"
)

// TestHidden_DirectionalEdgeKernel compares the responses of the kernel with the
// reference's on random images and directions (any kernel with the same responses
// is right).
//
//d2l:test 6.2-5 points=2
func TestHidden_DirectionalEdgeKernel(t *testing.T) {
	r := testutil.Rng(625)
	for n := range 5 {
		v1, v2 := float32(r.Float64()*4-2), float32(r.Float64()*4-2)
		X := testutil.Rand2D(r, 6, 7)
		want := grid.Corr2D(X, ref.DirectionalEdgeKernel(v1, v2)) // the reference first
		K := DirectionalEdgeKernel(v1, v2)
		testutil.ShapeIs(t, K, 2, 2, fmt.Sprintf("DirectionalEdgeKernel(%v, %v)", v1, v2))
		testutil.Close2D(t, want, grid.Corr2D(X, K), testutil.Tol, fmt.Sprintf("case %d: response of DirectionalEdgeKernel(%v, %v) on a random image", n, v1, v2))
	}
}

// TestHidden_BlurKernel checks the blur properties for more sizes, and that a random
// image is smoothed (its total variation does not grow).
//
//d2l:test 6.2-6 points=2
func TestHidden_BlurKernel(t *testing.T) {
	r := testutil.Rng(626)
	for _, n := range []int{3, 7, 9} {
		K := BlurKernel(n)
		what := fmt.Sprintf("BlurKernel(%d)", n)
		testutil.ShapeIs(t, K, n, n, what)
		sum := 0.0
		for i := range K {
			for j := range K[i] {
				if K[i][j] < 0 || math.Abs(float64(K[i][j]-K[n-1-i][n-1-j])) > 1e-6 || math.Abs(float64(K[i][j]-K[j][i])) > 1e-6 {
					t.Fatalf("%s[%d][%d] = %v: want weights >= 0, symmetric", what, i, j, K[i][j])
				}
				sum += float64(K[i][j])
			}
		}
		if math.Abs(sum-1) > 1e-5 {
			t.Fatalf("%s: weights sum to %v, want 1", what, sum)
		}
		X := testutil.Rand2D(r, 3*n, 3*n)
		Y := grid.Corr2D(X, K)
		if tv(Y) >= tv(X) {
			t.Fatalf("%s: the total variation of a random image grew from %v to %v; a blur smooths it", what, tv(X), tv(Y))
		}
	}
}

// tv is the mean absolute difference of horizontally adjacent values.
func tv(X [][]float32) float64 {
	s, n := 0.0, 0
	for _, row := range X {
		for j := 1; j < len(row); j++ {
			s += math.Abs(float64(row[j] - row[j-1]))
			n++
		}
	}
	return s / float64(n)
}
