//go:build d2lgrader

package sec64_test

import (
	"fmt"
	"testing"

	"github.com/d2l-go/d2l-go/exercises/sec64"
	"github.com/d2l-go/d2l-go/exercises/testutil"
	ref "github.com/d2l-go/d2l-go/solutions/sec64"
)

// TestHidden_BlockDiagMatVec compares with the reference on random blocks of several
// counts and sizes (the reference runs first, on its own copies).
//
//d2l:test 6.4-9 points=2
func TestHidden_BlockDiagMatVec(t *testing.T) {
	defer testutil.Catch(t)
	r := testutil.Rng(649)
	for _, c := range [][2]int{{1, 5}, {4, 1}, {2, 3}, {5, 2}} {
		W := make([][][]float32, c[0])
		for k := range W {
			W[k] = testutil.Rand2D(r, c[1], c[1])
		}
		x := testutil.Rand2D(r, 1, c[0]*c[1])[0]
		want := ref.BlockDiagMatVec(testutil.Copy3D(W), testutil.Copy1D(x))
		testutil.Close1D(t, want, sec64.BlockDiagMatVec(W, x), testutil.Tol, fmt.Sprintf("%d random %d×%d blocks and a random x", c[0], c[1], c[1]))
	}
}
