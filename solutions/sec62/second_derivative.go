package sec62

// SecondDerivativeKernel returns the smallest [1][k] kernel that, cross-correlated
// with samples f(0), f(1), … of a function on a unit grid, gives the second
// derivative at the centre of each window, exactly for polynomials up to degree 3.
func SecondDerivativeKernel() [][]float32 {
	// BEGIN SOLUTION
	return [][]float32{{1, -2, 1}}
	// END SOLUTION
}
