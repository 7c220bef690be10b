package sec65

import "github.com/d2l-go/d2l-go/exercises/grid"

// ReLU is max(x, 0), the only nonlinearity allowed in this exercise.
func ReLU(x float32) float32 {
	if x > 0 {
		return x
	}
	return 0
}

// MaxViaReLU returns max(a, b) using only additions, subtractions, scaling and ReLU.
func MaxViaReLU(a, b float32) float32 {
	panic("TODO: 练习 6.5-2")
}

// MaxPool2x2ViaConv is 2×2 max pooling (stride 1, no padding; [h][w] ->
// [h-1][w-1]) built from cross-correlations with fixed kernels and ReLU: for
// example, first the pairwise maxima along rows with [[1, -1]] and [[0, 1]],
// then along columns.
func MaxPool2x2ViaConv(X [][]float32) [][]float32 {
	panic("TODO: 练习 6.5-2")
}

// add returns the elementwise sum of two matrices of the same shape.
func add(A, B [][]float32) [][]float32 {
	C := grid.Zeros(grid.Shape(A))
	for i := range A {
		for j := range A[i] {
			C[i][j] = A[i][j] + B[i][j]
		}
	}
	return C
}
