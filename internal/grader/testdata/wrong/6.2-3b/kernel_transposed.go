// A plausible wrong answer to exercise 6.2-3b: the kernel is read transposed (K[b][a]).
// internal/grader/wrong_test.go checks that the public tests catch it.

package sec62

import "github.com/d2l-go/d2l-go/solutions/grid"

// ToeplitzMatrix returns the matrix W [(h-kh+1)·(w-kw+1)][h·w] built from the
// kernel K [kh][kw] such that W · vec(X) = vec(corr2d(X, K)) for every X [h][w],
// where vec reads a matrix row by row. Row i·(w-kw+1)+j of W holds K placed at
// the window whose top-left corner is X[i][j], zeros elsewhere.
func ToeplitzMatrix(K [][]float32, h, w int) [][]float32 {
	// BEGIN SOLUTION
	kh, kw := grid.Shape(K)
	oh, ow := h-kh+1, w-kw+1
	W := grid.Zeros(oh*ow, h*w)
	for i := 0; i < oh; i++ {
		for j := 0; j < ow; j++ {
			for a := 0; a < kh; a++ {
				for b := 0; b < kw; b++ {
					W[i*ow+j][(i+a)*w+j+b] = K[b%kh][a%kw]
				}
			}
		}
	}
	return W
	// END SOLUTION
}
