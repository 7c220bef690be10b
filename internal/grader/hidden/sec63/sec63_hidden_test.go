//go:build d2lgrader

package sec63_test

import (
	"fmt"
	"testing"

	"github.com/d2l-go/d2l-go/exercises/sec63"
	"github.com/d2l-go/d2l-go/exercises/testutil"
	ref "github.com/d2l-go/d2l-go/solutions/sec63"
)

// TestHidden_ConvOutputShape compares ConvOutputShape with the reference on
// random sizes, paddings and strides (odd remainders included).
//
//d2l:test 6.3-1 points=1
func TestHidden_ConvOutputShape(t *testing.T) {
	defer testutil.Catch(t)
	r := testutil.Rng(631)
	for range 50 {
		h, w := 5+r.IntN(30), 5+r.IntN(30)
		kh, kw := 1+r.IntN(5), 1+r.IntN(5)
		ph, pw := r.IntN(3), r.IntN(3)
		sh, sw := 1+r.IntN(4), 1+r.IntN(4)
		rh, rw := ref.ConvOutputShape(h, w, kh, kw, ph, pw, sh, sw)
		oh, ow := sec63.ConvOutputShape(h, w, kh, kw, ph, pw, sh, sw)
		testutil.Equal(t, [2]int{rh, rw}, [2]int{oh, ow}, fmt.Sprintf("ConvOutputShape for a %d×%d input, a %d×%d kernel, padding (%d, %d), stride (%d, %d)", h, w, kh, kw, ph, pw, sh, sw))
	}
}

// TestHidden_Corr2DPadStride compares Corr2DPadStride with the reference on
// random inputs, paddings and strides.
//
//d2l:test 6.3-2 points=2
func TestHidden_Corr2DPadStride(t *testing.T) {
	defer testutil.Catch(t)
	r := testutil.Rng(632)
	for range 20 {
		h, w := 4+r.IntN(6), 4+r.IntN(6)
		kh, kw := 1+r.IntN(3), 1+r.IntN(3)
		ph, pw := r.IntN(3), r.IntN(3)
		sh, sw := 1+r.IntN(3), 1+r.IntN(3)
		X, K := testutil.Rand2D(r, h, w), testutil.Rand2D(r, kh, kw)
		want := ref.Corr2DPadStride(testutil.Copy2D(X), testutil.Copy2D(K), ph, pw, sh, sw)
		testutil.Close2D(t, want, sec63.Corr2DPadStride(X, K, ph, pw, sh, sw), testutil.Tol,
			fmt.Sprintf("Corr2DPadStride of a random %d×%d input and a random %d×%d kernel, padding (%d, %d), stride (%d, %d)", h, w, kh, kw, ph, pw, sh, sw))
	}
}

// TestHidden_MirrorPad compares both paddings with the reference, p up to n-1.
//
//d2l:test 6.3-4 points=2
func TestHidden_MirrorPad(t *testing.T) {
	defer testutil.Catch(t)
	r := testutil.Rng(634)
	for _, c := range [][3]int{{5, 6, 1}, {4, 4, 3}, {7, 3, 2}, {2, 2, 1}} {
		X := testutil.Rand2D(r, c[0], c[1])
		want1 := ref.MirrorPad1D(testutil.Copy1D(X[0]), c[2])
		want2 := ref.MirrorPad2D(testutil.Copy2D(X), c[2])
		testutil.Close1D(t, want1, sec63.MirrorPad1D(testutil.Copy1D(X[0]), c[2]), 0, fmt.Sprintf("MirrorPad1D of a random x [%d], p = %d", c[1], c[2]))
		testutil.Close2D(t, want2, sec63.MirrorPad2D(X, c[2]), 0, fmt.Sprintf("MirrorPad2D of a random X %v, p = %d", c[:2], c[2]))
	}
}
