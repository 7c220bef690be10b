//go:build d2lgrader

package sec63

import (
	"fmt"
	"testing"

	"github.com/d2l-go/d2l-go/exercises/testutil"
	ref "github.com/d2l-go/d2l-go/solutions/sec63"
	"github.com/stretchr/testify/require"
)

// TestHidden_ConvOutputShape compares ConvOutputShape with the reference on
// random sizes, paddings and strides (odd remainders included).
//
//d2l:test 6.3-1 points=1
func TestHidden_ConvOutputShape(t *testing.T) {
	r := testutil.Rng(631)
	for range 50 {
		h, w := 5+r.IntN(30), 5+r.IntN(30)
		kh, kw := 1+r.IntN(5), 1+r.IntN(5)
		ph, pw := r.IntN(3), r.IntN(3)
		sh, sw := 1+r.IntN(4), 1+r.IntN(4)
		oh, ow := ConvOutputShape(h, w, kh, kw, ph, pw, sh, sw)
		rh, rw := ref.ConvOutputShape(h, w, kh, kw, ph, pw, sh, sw)
		require.Equal(t, [2]int{rh, rw}, [2]int{oh, ow}, "ConvOutputShape(%d, %d, %d, %d, %d, %d, %d, %d)", h, w, kh, kw, ph, pw, sh, sw)
	}
}

// TestHidden_Corr2DPadStride compares Corr2DPadStride with the reference on
// random inputs, paddings and strides.
//
//d2l:test 6.3-2 points=2
func TestHidden_Corr2DPadStride(t *testing.T) {
	r := testutil.Rng(632)
	for range 20 {
		h, w := 4+r.IntN(6), 4+r.IntN(6)
		kh, kw := 1+r.IntN(3), 1+r.IntN(3)
		ph, pw := r.IntN(3), r.IntN(3)
		sh, sw := 1+r.IntN(3), 1+r.IntN(3)
		X, K := testutil.Rand2D(r, h, w), testutil.Rand2D(r, kh, kw)
		testutil.Close2D(t, ref.Corr2DPadStride(X, K, ph, pw, sh, sw), Corr2DPadStride(copy2(X), copy2(K), ph, pw, sh, sw), testutil.Tol,
			fmt.Sprintf("Corr2DPadStride(X [%d %d], K [%d %d], %d, %d, %d, %d)", h, w, kh, kw, ph, pw, sh, sw))
	}
}

// TestHidden_MirrorPad compares both paddings with the reference, p up to n-1.
//
//d2l:test 6.3-4 points=2
func TestHidden_MirrorPad(t *testing.T) {
	r := testutil.Rng(634)
	for _, c := range [][3]int{{5, 6, 1}, {4, 4, 3}, {7, 3, 2}, {2, 2, 1}} {
		X := testutil.Rand2D(r, c[0], c[1])
		testutil.Close1D(t, ref.MirrorPad1D(X[0], c[2]), MirrorPad1D(copy1(X[0]), c[2]), 0, fmt.Sprintf("MirrorPad1D(x [%d], %d)", c[1], c[2]))
		testutil.Close2D(t, ref.MirrorPad2D(X, c[2]), MirrorPad2D(copy2(X), c[2]), 0, fmt.Sprintf("MirrorPad2D(X %v, %d)", c[:2], c[2]))
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
