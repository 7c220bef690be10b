// A plausible wrong answer to exercise 6.5-6: e^{βx} without subtracting the window max (overflows for large βx).
// internal/grader/wrong_test.go checks that the public tests catch it.

package sec65

import "math"

// SoftmaxPool2D pools every ph×pw window (stride 1, no padding) with the
// softmax-weighted mean Σ x·e^(βx) / Σ e^(βx). β → 0 gives average pooling,
// β → ∞ max pooling. It must not overflow for large β·x (subtract the window
// maximum before exponentiating). [h][w] -> [h-ph+1][w-pw+1].
func SoftmaxPool2D(X [][]float32, ph, pw int, beta float32) [][]float32 {
	// BEGIN SOLUTION
	h, w := len(X), len(X[0])
	Y := make([][]float32, h-ph+1)
	for i := range Y {
		Y[i] = make([]float32, w-pw+1)
		for j := range Y[i] {
			m := X[i][j]
			for a := 0; a < ph; a++ {
				for b := 0; b < pw; b++ {
					m = max(m, X[i+a][j+b])
				}
			}
			var num, den float64
			for a := 0; a < ph; a++ {
				for b := 0; b < pw; b++ {
					x := float64(X[i+a][j+b])
					e := math.Exp(float64(beta) * x)
					_ = m
					num += x * e
					den += e
				}
			}
			Y[i][j] = float32(num / den)
		}
	}
	return Y
	// END SOLUTION
}
