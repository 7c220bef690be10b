package sec62_test

import (
	"testing"

	"github.com/d2l-go/d2l-go/solutions/sec62"
	"github.com/d2l-go/d2l-go/solutions/testutil"
)

// TestDiagonalEdgeImage checks the 4×4 diagonal-edge image.
//
//d2l:test 6.2-1 points=2
func TestDiagonalEdgeImage(t *testing.T) {
	defer testutil.Catch(t)
	want := testutil.Matrix(
		[]float64{1, 0, 0, 0},
		[]float64{1, 1, 0, 0},
		[]float64{1, 1, 1, 0},
		[]float64{1, 1, 1, 1},
	)
	testutil.Close2D(t, want, sec62.DiagonalEdgeImage(4), 0, "DiagonalEdgeImage(4)")
}

// TestEdgeResponses_Shape checks the shapes of the three responses on a 4×5 image.
//
//d2l:test 6.2-1 points=1
func TestEdgeResponses_Shape(t *testing.T) {
	defer testutil.Catch(t)
	X := testutil.Rand2D(testutil.Rng(1), 4, 5)
	withK, withXT, withKT := sec62.EdgeResponses(X)
	for _, c := range []struct {
		name string
		got  [][]float32
		h, w int
	}{{"withK", withK, 4, 4}, {"withXT", withXT, 5, 3}, {"withKT", withKT, 3, 5}} {
		testutil.ShapeIs(t, c.got, c.h, c.w, "EdgeResponses(X [4 5]) "+c.name)
	}
}

// TestEdgeResponses_Values checks the responses on the 3×3 diagonal image.
//
//d2l:test 6.2-1 points=1
func TestEdgeResponses_Values(t *testing.T) {
	defer testutil.Catch(t)
	X := testutil.Matrix([]float64{1, 0, 0}, []float64{1, 1, 0}, []float64{1, 1, 1})
	withK, withXT, withKT := sec62.EdgeResponses(X)
	testutil.Close2D(t,
		testutil.Matrix([]float64{1, 0}, []float64{0, 1}, []float64{0, 0}), withK, 0, "withK")
	testutil.Close2D(t,
		testutil.Matrix([]float64{0, 0}, []float64{-1, 0}, []float64{0, -1}), withXT, 0, "withXT")
	testutil.Close2D(t,
		testutil.Matrix([]float64{0, -1, 0}, []float64{0, 0, -1}), withKT, 0, "withKT")
}
