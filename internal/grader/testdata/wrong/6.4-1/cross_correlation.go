// A plausible wrong answer to exercise 6.4-1: the kernels composed by cross-correlation (K2 not flipped) instead of convolution.
// internal/grader/wrong_test.go checks that the public tests catch it.

package sec64

// ComposeKernels returns the single kernel K [k1h+k2h−1][k1w+k2w−1] such that
// corr2d(corr2d(X, K1), K2) = corr2d(X, K) for every X large enough:
// K[u][v] = Σ K1[a][b]·K2[c][d] over a+c = u, b+d = v.
func ComposeKernels(K1, K2 [][]float32) [][]float32 {
	// BEGIN SOLUTION
	p, q := len(K1), len(K1[0])
	r, s := len(K2), len(K2[0])
	K := make([][]float32, p+r-1)
	for i := range K {
		K[i] = make([]float32, q+s-1)
	}
	for a := 0; a < p; a++ {
		for b := 0; b < q; b++ {
			for c := 0; c < r; c++ {
				for d := 0; d < s; d++ {
					K[a+r-1-c][b+s-1-d] += K1[a][b] * K2[c][d]
				}
			}
		}
	}
	return K
	// END SOLUTION
}
