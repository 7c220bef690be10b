package sec62

// DerivativeKernel returns the smallest [1][k] kernel that, cross-correlated with
// samples f(x), f(x+1), …, f(x+k-1) on a unit grid, gives the d-th finite
// difference of f: for a polynomial f(x) = c·x^d + (lower terms) every output is
// exactly c·d!. (d >= 1; the answer to "how small can it be" is its width.)
func DerivativeKernel(d int) [][]float32 {
	panic("TODO: 练习 6.2-4c")
}
