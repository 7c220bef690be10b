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
		testutil.Close1D(t, ref.Conv1D(x, k, b), Conv1D(x, k, b), testutil.Tol, fmt.Sprintf("Conv1D(x [%d], k [%d], %.3f)", c[0], c[1], b))
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
		testutil.Close2D(t, ref.Convolve2D(f, g), Convolve2D(f, g), testutil.Tol, fmt.Sprintf("Convolve2D(f %v, g %v)", c[:2], c[2:]))
		testutil.Close2D(t, ref.Convolve2D(f, g), Convolve2D(g, f), testutil.Tol, fmt.Sprintf("Convolve2D(g %v, f %v)", c[2:], c[:2]))
	}
}
