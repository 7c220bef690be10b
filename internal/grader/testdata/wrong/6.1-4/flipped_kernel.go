// A plausible wrong answer to exercise 6.1-4: convolution (kernel flipped) instead of cross-correlation.
// internal/grader/wrong_test.go checks that the public tests catch it.

package sec61

// Conv1D is the forward pass of a one-channel audio convolution layer: the valid
// 1-D cross-correlation of the signal x [n] with the kernel k [m] plus bias,
// giving [n-m+1]: y[i] = bias + Σ_a k[a]·x[i+a].
func Conv1D(x, k []float32, bias float32) []float32 {
	// BEGIN SOLUTION
	y := make([]float32, len(x)-len(k)+1)
	for i := range y {
		s := bias
		for a, v := range k {
			s += v * x[i+len(k)-1-a]
		}
		y[i] = s
	}
	return y
	// END SOLUTION
}
