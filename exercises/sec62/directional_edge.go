package sec62

// DirectionalEdgeKernel returns a 2×2 kernel whose cross-correlation with an image
// X [h][w] gives, at each position, the change of X along the direction v = (v1, v2),
// v1 to the right (columns) and v2 downwards (rows): the forward differences
// X[i][j+1] − X[i][j] and X[i+1][j] − X[i][j], weighted by v1 and v2. It responds
// to edges orthogonal to v (where X changes along v) and not at all to edges along
// (v2, −v1). On a ramp X[i][j] = a·j + b·i the response is v1·a + v2·b everywhere.
// Example: DirectionalEdgeKernel(1, 0) is [[-1 1] [0 0]] (right minus left).
func DirectionalEdgeKernel(v1, v2 float32) [][]float32 {
	panic("TODO: 练习 6.2-5")
}
