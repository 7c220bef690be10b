//go:build d2lgrader

package sec64

import (
	"fmt"
	"slices"
	"testing"

	"github.com/d2l-go/d2l-go/exercises/testutil"
	ref "github.com/d2l-go/d2l-go/solutions/sec64"
)

// TestHidden_BlockDiagMatVec compares with the reference on random blocks of several
// counts and sizes (the reference runs first, on its own copies).
//
//d2l:test 6.4-9 points=2
func TestHidden_BlockDiagMatVec(t *testing.T) {
	r := testutil.Rng(649)
	for _, c := range [][2]int{{1, 5}, {4, 1}, {2, 3}, {5, 2}} {
		W := make([][][]float32, c[0])
		for k := range W {
			W[k] = testutil.Rand2D(r, c[1], c[1])
		}
		x := testutil.Rand2D(r, 1, c[0]*c[1])[0]
		Wref := make([][][]float32, len(W))
		for k := range W {
			Wref[k] = make([][]float32, len(W[k]))
			for i := range W[k] {
				Wref[k][i] = slices.Clone(W[k][i])
			}
		}
		want := ref.BlockDiagMatVec(Wref, slices.Clone(x))
		testutil.Close1D(t, want, BlockDiagMatVec(W, x), testutil.Tol, fmt.Sprintf("%d random %d×%d blocks", c[0], c[1], c[1]))
	}
}
