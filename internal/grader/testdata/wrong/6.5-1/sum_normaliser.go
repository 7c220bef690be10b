// A plausible wrong answer to exercise 6.5-1: the kernel divided by ph+pw instead of ph·pw.
// internal/grader/wrong_test.go checks that the public tests catch it.

package sec65

import "github.com/d2l-go/d2l-go/solutions/grid"

// AvgPoolKernel returns the [ph][pw] kernel that turns corr2d into ph×pw
// average pooling: every weight is 1/(ph·pw).
func AvgPoolKernel(ph, pw int) [][]float32 {
	// BEGIN SOLUTION
	K := grid.Zeros(ph, pw)
	for i := range K {
		for j := range K[i] {
			K[i][j] = 1 / float32(ph+pw)
		}
	}
	return K
	// END SOLUTION
}

// AvgPoolViaCorr is average pooling (stride 1, no padding) computed as one
// cross-correlation with AvgPoolKernel: [h][w] -> [h-ph+1][w-pw+1].
func AvgPoolViaCorr(X [][]float32, ph, pw int) [][]float32 {
	// BEGIN SOLUTION
	return grid.Corr2D(X, AvgPoolKernel(ph, pw))
	// END SOLUTION
}
