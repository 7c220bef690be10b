package sec63_test

import (
	"fmt"
	"testing"

	"github.com/d2l-go/d2l-go/solutions/sec63"
	"github.com/d2l-go/d2l-go/solutions/testutil"
	"github.com/stretchr/testify/require"
)

// TestConvOutputShape checks the section's examples, its last one included.
//
//d2l:test 6.3-1 points=2
func TestConvOutputShape(t *testing.T) {
	defer testutil.Catch(t)
	for _, c := range []struct {
		in, want [2]int
		k, p, s  [2]int
	}{
		{in: [2]int{8, 8}, k: [2]int{3, 3}, p: [2]int{1, 1}, s: [2]int{1, 1}, want: [2]int{8, 8}},
		{in: [2]int{8, 8}, k: [2]int{5, 3}, p: [2]int{2, 1}, s: [2]int{1, 1}, want: [2]int{8, 8}},
		{in: [2]int{8, 8}, k: [2]int{3, 3}, p: [2]int{1, 1}, s: [2]int{2, 2}, want: [2]int{4, 4}},
		{in: [2]int{8, 8}, k: [2]int{3, 5}, p: [2]int{0, 1}, s: [2]int{3, 4}, want: [2]int{2, 2}},
	} {
		oh, ow := sec63.ConvOutputShape(c.in[0], c.in[1], c.k[0], c.k[1],
			c.p[0], c.p[1], c.s[0], c.s[1])
		require.Equal(t, c.want, [2]int{oh, ow},
			"ConvOutputShape(in %v, kernel %v, padding %v, stride %v)", c.in, c.k, c.p, c.s)
	}
}

// TestCorr2DPadStride_Shape checks the shape of the section's last example.
//
//d2l:test 6.3-2 points=1
func TestCorr2DPadStride_Shape(t *testing.T) {
	defer testutil.Catch(t)
	r := testutil.Rng(63)
	got := sec63.Corr2DPadStride(testutil.Rand2D(r, 8, 8), testutil.Rand2D(r, 3, 5), 0, 1, 3, 4)
	testutil.ShapeIs(t, got, 2, 2, "Corr2DPadStride(X [8 8], K [3 5], 0, 1, 3, 4)")
}

// TestCorr2DPadStride_Book checks the book's figures: padding 1 and strides (3, 2).
//
//d2l:test 6.3-2 points=2
func TestCorr2DPadStride_Book(t *testing.T) {
	defer testutil.Catch(t)
	X := testutil.Matrix([]float64{0, 1, 2}, []float64{3, 4, 5}, []float64{6, 7, 8})
	K := testutil.Matrix([]float64{0, 1}, []float64{2, 3})
	padded := testutil.Matrix(
		[]float64{0, 3, 8, 4},
		[]float64{9, 19, 25, 10},
		[]float64{21, 37, 43, 16},
		[]float64{6, 7, 8, 0},
	)
	testutil.Close2D(t, padded, sec63.Corr2DPadStride(X, K, 1, 1, 1, 1), 0, "padding 1")
	strided := testutil.Matrix([]float64{0, 8}, []float64{6, 8})
	testutil.Close2D(t, strided, sec63.Corr2DPadStride(X, K, 1, 1, 3, 2), 0,
		"padding 1, stride (3, 2)")
}

// TestMirrorPad1D checks the length and the values of a small example.
//
//d2l:test 6.3-4 points=1
func TestMirrorPad1D(t *testing.T) {
	defer testutil.Catch(t)
	got := sec63.MirrorPad1D([]float32{1, 2, 3, 4}, 2)
	testutil.Close1D(t, []float32{3, 2, 1, 2, 3, 4, 3, 2}, got, 0, "MirrorPad1D([1 2 3 4], 2)")
	got = sec63.MirrorPad1D([]float32{1, 2, 3}, 0)
	testutil.Close1D(t, []float32{1, 2, 3}, got, 0, "MirrorPad1D([1 2 3], 0)")
}

// TestMirrorPad2D_Shape checks [h+2p][w+2p].
//
//d2l:test 6.3-4 points=1
func TestMirrorPad2D_Shape(t *testing.T) {
	defer testutil.Catch(t)
	for p := 0; p <= 2; p++ {
		got := sec63.MirrorPad2D(testutil.Rand2D(testutil.Rng(7), 3, 4), p)
		testutil.ShapeIs(t, got, 3+2*p, 4+2*p, fmt.Sprintf("MirrorPad2D(X [3 4], %d)", p))
	}
}

// TestMirrorPad2D_Values checks a 2×3 example padded by 1.
//
//d2l:test 6.3-4 points=2
func TestMirrorPad2D_Values(t *testing.T) {
	defer testutil.Catch(t)
	X := testutil.Matrix([]float64{1, 2, 3}, []float64{4, 5, 6})
	want := testutil.Matrix(
		[]float64{5, 4, 5, 6, 5},
		[]float64{2, 1, 2, 3, 2},
		[]float64{5, 4, 5, 6, 5},
		[]float64{2, 1, 2, 3, 2},
	)
	testutil.Close2D(t, want, sec63.MirrorPad2D(X, 1), 0, "MirrorPad2D(X, 1)")
}
