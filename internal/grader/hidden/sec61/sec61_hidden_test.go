//go:build d2lgrader

package sec61_test

import (
	"fmt"
	"testing"

	"github.com/d2l-go/d2l-go/exercises/sec61"
	"github.com/d2l-go/d2l-go/exercises/testutil"
	ref "github.com/d2l-go/d2l-go/solutions/sec61"
)

// TestHidden_Conv1D compares Conv1D with the reference on random signals.
//
//d2l:test 6.1-4 points=2
func TestHidden_Conv1D(t *testing.T) {
	defer testutil.Catch(t)
	r := testutil.Rng(614)
	for _, c := range [][2]int{{16, 1}, {9, 4}, {5, 5}} {
		x := testutil.Rand2D(r, 1, c[0])[0]
		k := testutil.Rand2D(r, 1, c[1])[0]
		b := float32(r.Float64())
		want := ref.Conv1D(testutil.Copy1D(x), testutil.Copy1D(k), b)
		testutil.Close1D(t, want, sec61.Conv1D(x, k, b), testutil.Tol, fmt.Sprintf("Conv1D of a random signal [%d] with a random kernel [%d] and a random bias", c[0], c[1]))
	}
}

// TestHidden_Convolve2D compares Convolve2D with the reference, both orders.
//
//d2l:test 6.1-6 points=2
func TestHidden_Convolve2D(t *testing.T) {
	defer testutil.Catch(t)
	r := testutil.Rng(616)
	for _, c := range [][4]int{{3, 3, 2, 2}, {1, 4, 3, 1}, {4, 2, 4, 5}} {
		f := testutil.Rand2D(r, c[0], c[1])
		g := testutil.Rand2D(r, c[2], c[3])
		want := ref.Convolve2D(testutil.Copy2D(f), testutil.Copy2D(g))
		testutil.Close2D(t, want, sec61.Convolve2D(testutil.Copy2D(f), testutil.Copy2D(g)), testutil.Tol, fmt.Sprintf("Convolve2D(f, g) of random f %v and g %v", c[:2], c[2:]))
		testutil.Close2D(t, want, sec61.Convolve2D(testutil.Copy2D(g), testutil.Copy2D(f)), testutil.Tol, fmt.Sprintf("Convolve2D(g, f) of random f %v and g %v", c[:2], c[2:]))
	}
}
