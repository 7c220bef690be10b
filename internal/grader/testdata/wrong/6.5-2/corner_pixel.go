// A plausible wrong answer to exercise 6.5-2: the bottom-right pixel of each window (the max only on increasing inputs).
// internal/grader/wrong_test.go checks that the public tests catch it.

package sec65

import "github.com/d2l-go/d2l-go/solutions/grid"

// ReLU is max(x, 0), the only nonlinearity allowed in this exercise.
func ReLU(x float32) float32 {
	if x > 0 {
		return x
	}
	return 0
}

// MaxViaReLU returns max(a, b) using only additions, subtractions, scaling and ReLU.
func MaxViaReLU(a, b float32) float32 {
	// BEGIN SOLUTION
	return b + ReLU(a-b)
	// END SOLUTION
}

// MaxPool2x2ViaConv is 2×2 max pooling (stride 1, no padding; [h][w] ->
// [h-1][w-1]) built from cross-correlations with fixed kernels and ReLU: for
// example, first the pairwise maxima along rows with [[1, -1]] and [[0, 1]],
// then along columns.
func MaxPool2x2ViaConv(X [][]float32) [][]float32 {
	// BEGIN SOLUTION
	// max(x[j], x[j+1]) = x[j+1] + ReLU(x[j] - x[j+1]) along rows ...
	rows := grid.Corr2D(X, [][]float32{{0, 1}})
	// ... then along columns.
	return add(grid.Corr2D(rows, [][]float32{{0}, {1}}), grid.Map(grid.Corr2D(rows, [][]float32{{1}, {-1}}), ReLU))
	// END SOLUTION
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
