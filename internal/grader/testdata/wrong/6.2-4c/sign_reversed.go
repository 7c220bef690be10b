// A plausible wrong answer to exercise 6.2-4c: the signs start at +1 (the negative derivative for odd d).
// internal/grader/wrong_test.go checks that the public tests catch it.

package sec62

// DerivativeKernel returns the smallest [1][k] kernel that, cross-correlated with
// samples f(x), f(x+1), …, f(x+k-1) on a unit grid, gives the d-th finite
// difference of f: for a polynomial f(x) = c·x^d + (lower terms) every output is
// exactly c·d!. (d >= 1; the answer to "how small can it be" is its width.)
func DerivativeKernel(d int) [][]float32 {
	// BEGIN SOLUTION
	row := make([]float32, d+1)
	binom := 1.0 // C(d, k)
	for k := 0; k <= d; k++ {
		sign := 1.0
		if k%2 == 1 {
			sign = -1
		}
		row[k] = float32(sign * binom)
		binom = binom * float64(d-k) / float64(k+1)
	}
	return [][]float32{row}
	// END SOLUTION
}
