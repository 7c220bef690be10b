// A plausible wrong answer to exercise 6.2-1: the edge image is the upper triangle (transposed).
// internal/grader/wrong_test.go checks that the public tests catch it.

package sec62

import "github.com/d2l-go/d2l-go/solutions/grid"

// DiagonalEdgeImage returns an [n][n] image with ones on and below the main
// diagonal and zeros above it (X[i][j] = 1 when j <= i), so it has one
// diagonal edge. For n = 3: [[1 0 0] [1 1 0] [1 1 1]].
func DiagonalEdgeImage(n int) [][]float32 {
	// BEGIN SOLUTION
	X := grid.Zeros(n, n)
	for i := 0; i < n; i++ {
		for j := i; j < n; j++ {
			X[i][j] = 1
		}
	}
	return X
	// END SOLUTION
}

// EdgeResponses applies the section's edge kernel K = [[1, -1]] ([1][2]) three ways:
// withK = corr2d(X, K) ([h][w-1]), withXT = corr2d(Xᵀ, K) ([w][h-1]) and
// withKT = corr2d(X, Kᵀ) ([h-1][w]).
func EdgeResponses(X [][]float32) (withK, withXT, withKT [][]float32) {
	// BEGIN SOLUTION
	K := [][]float32{{1, -1}}
	return grid.Corr2D(X, K), grid.Corr2D(grid.Transpose(X), K), grid.Corr2D(X, grid.Transpose(K))
	// END SOLUTION
}
