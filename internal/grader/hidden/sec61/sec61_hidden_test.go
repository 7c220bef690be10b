//go:build d2lgrader

package sec61

import (
	"fmt"
	"testing"

	"github.com/d2l-go/d2l-go/exercises/testutil"
	ref "github.com/d2l-go/d2l-go/solutions/sec61"
)

// TestHidden_Conv1D compares Conv1D with the reference on random signals.
//
//d2l:test 6.1-4 points=2
func TestHidden_Conv1D(t *testing.T) {
	r := testutil.Rng(614)
	for _, c := range [][2]int{{16, 1}, {9, 4}, {5, 5}} {
		x := testutil.Rand2D(r, 1, c[0])[0]
		k := testutil.Rand2D(r, 1, c[1])[0]
		b := float32(r.Float64())
		testutil.Close1D(t, ref.Conv1D(x, k, b), Conv1D(copy1(x), copy1(k), b), testutil.Tol, fmt.Sprintf("Conv1D(x [%d], k [%d], %.3f)", c[0], c[1], b))
	}
}

// TestHidden_Convolve2D compares Convolve2D with the reference, both orders.
//
//d2l:test 6.1-6 points=2
func TestHidden_Convolve2D(t *testing.T) {
	r := testutil.Rng(616)
	for _, c := range [][4]int{{3, 3, 2, 2}, {1, 4, 3, 1}, {4, 2, 4, 5}} {
		f := testutil.Rand2D(r, c[0], c[1])
		g := testutil.Rand2D(r, c[2], c[3])
		want := ref.Convolve2D(f, g)
		testutil.Close2D(t, want, Convolve2D(copy2(f), copy2(g)), testutil.Tol, fmt.Sprintf("Convolve2D(f %v, g %v)", c[:2], c[2:]))
		testutil.Close2D(t, want, Convolve2D(copy2(g), copy2(f)), testutil.Tol, fmt.Sprintf("Convolve2D(g %v, f %v)", c[2:], c[:2]))
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
