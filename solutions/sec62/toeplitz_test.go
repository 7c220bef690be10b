package sec62_test

import (
	"testing"

	"github.com/d2l-go/d2l-go/solutions/grid"
	"github.com/d2l-go/d2l-go/solutions/sec62"
	"github.com/d2l-go/d2l-go/solutions/testutil"
)

// TestToeplitzMatrix_Shape checks W's shape for a 2×2 kernel on a 3×3 input.
//
//d2l:test 6.2-3b points=1
func TestToeplitzMatrix_Shape(t *testing.T) {
	defer testutil.Catch(t)
	W := sec62.ToeplitzMatrix(testutil.Rand2D(testutil.Rng(3), 2, 2), 3, 3)
	testutil.ShapeIs(t, W, 4, 9, "ToeplitzMatrix(K [2 2], 3, 3)")
}

// TestToeplitzMatrix_Book checks W · vec(X) on the book's example.
//
//d2l:test 6.2-3b points=2
func TestToeplitzMatrix_Book(t *testing.T) {
	defer testutil.Catch(t)
	K := testutil.Matrix([]float64{0, 1}, []float64{2, 3})
	W := sec62.ToeplitzMatrix(K, 3, 3)
	testutil.ShapeIs(t, W, 4, 9, "ToeplitzMatrix(K, 3, 3)")
	vecX := grid.Zeros(9, 1)
	for i := range vecX {
		vecX[i][0] = float32(i)
	}
	want := testutil.Matrix([]float64{19}, []float64{25}, []float64{37}, []float64{43})
	testutil.Close2D(t, want, grid.MatMul(W, vecX), 0, "W · vec(X)")
}
