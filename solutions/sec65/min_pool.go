package sec65

import "github.com/d2l-go/d2l-go/solutions/grid"

// MinPool2D is min pooling (stride 1, no padding) written with max pooling
// only: min = −maxpool(−X). [h][w] -> [h-ph+1][w-pw+1].
func MinPool2D(X [][]float32, ph, pw int) [][]float32 {
	// BEGIN SOLUTION
	neg := func(v float32) float32 { return -v }
	return grid.Map(grid.Pool2D(grid.Map(X, neg), ph, pw, "max"), neg)
	// END SOLUTION
}
