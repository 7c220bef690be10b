// A plausible wrong answer to exercise 6.1-6: full cross-correlation (g not flipped) instead of convolution.
// internal/grader/wrong_test.go checks that the public tests catch it.

package sec61

// Convolve2D is the mathematical ("full") 2-D convolution of (6.1.6):
// (f*g)(i, j) = Σ_a Σ_b f(a, b)·g(i-a, j-b), for f [p][q] and g [r][s] taken as
// zero outside their support, giving [p+r-1][q+s-1].
func Convolve2D(f, g [][]float32) [][]float32 {
	// BEGIN SOLUTION
	p, q := len(f), len(f[0])
	r, s := len(g), len(g[0])
	out := make([][]float32, p+r-1)
	for i := range out {
		out[i] = make([]float32, q+s-1)
	}
	for a := 0; a < p; a++ {
		for b := 0; b < q; b++ {
			for c := 0; c < r; c++ {
				for d := 0; d < s; d++ {
					out[a+r-1-c][b+s-1-d] += f[a][b] * g[c][d]
				}
			}
		}
	}
	return out
	// END SOLUTION
}
