package sec62

// DiagonalEdgeImage returns an [n][n] image with ones on and below the main
// diagonal and zeros above it (X[i][j] = 1 when j <= i), so it has one
// diagonal edge. For n = 3: [[1 0 0] [1 1 0] [1 1 1]].
func DiagonalEdgeImage(n int) [][]float32 {
	panic("TODO: 练习 6.2-1")
}

// EdgeResponses applies the section's edge kernel K = [[1, -1]] ([1][2]) three ways:
// withK = corr2d(X, K) ([h][w-1]), withXT = corr2d(Xᵀ, K) ([w][h-1]) and
// withKT = corr2d(X, Kᵀ) ([h-1][w]).
func EdgeResponses(X [][]float32) (withK, withXT, withKT [][]float32) {
	panic("TODO: 练习 6.2-1")
}
