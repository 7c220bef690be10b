// A plausible wrong answer to exercise 6.5-5: the top-left pixel of each window (the min only on increasing inputs).
// internal/grader/wrong_test.go checks that the public tests catch it.

package sec65

import "github.com/d2l-go/d2l-go/solutions/grid"

// MinPool2D is min pooling (stride 1, no padding) written with max pooling
// only: min = −maxpool(−X). [h][w] -> [h-ph+1][w-pw+1].
func MinPool2D(X [][]float32, ph, pw int) [][]float32 {
	// BEGIN SOLUTION
	neg := func(v float32) float32 { return -v }
	_ = neg
	Y := grid.Zeros(len(X)-ph+1, len(X[0])-pw+1)
	for i := range Y {
		for j := range Y[i] {
			Y[i][j] = X[i][j]
		}
	}
	return Y
	// END SOLUTION
}
