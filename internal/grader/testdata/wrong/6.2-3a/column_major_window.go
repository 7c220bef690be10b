// A plausible wrong answer to exercise 6.2-3a: each window flattened column by column in Im2Col.
// internal/grader/wrong_test.go checks that the public tests catch it.

package sec62

import "github.com/d2l-go/d2l-go/solutions/grid"

// Im2Col unfolds every kh×kw window of X [h][w] into one row: the result is
// [(h-kh+1)·(w-kw+1)][kh·kw]; row i·(w-kw+1)+j holds the window whose top-left
// corner is X[i][j], read row by row (column a·kw+b is X[i+a][j+b]).
func Im2Col(X [][]float32, kh, kw int) [][]float32 {
	// BEGIN SOLUTION
	h, w := grid.Shape(X)
	oh, ow := h-kh+1, w-kw+1
	cols := grid.Zeros(oh*ow, kh*kw)
	for i := 0; i < oh; i++ {
		for j := 0; j < ow; j++ {
			row := cols[i*ow+j]
			for a := 0; a < kh; a++ {
				for b := 0; b < kw; b++ {
					row[b*kh+a] = X[i+a][j+b]
				}
			}
		}
	}
	return cols
	// END SOLUTION
}

// Corr2DMatMul computes corr2d(X, K) (X [h][w], K [kh][kw] -> [h-kh+1][w-kw+1])
// with ONE matrix product: Im2Col(X, kh, kw) · vec(K), where vec(K) is K read
// row by row as a [kh·kw][1] column; the product is then reshaped.
func Corr2DMatMul(X, K [][]float32) [][]float32 {
	// BEGIN SOLUTION
	h, w := grid.Shape(X)
	kh, kw := grid.Shape(K)
	vecK := grid.Zeros(kh*kw, 1)
	for a := 0; a < kh; a++ {
		for b := 0; b < kw; b++ {
			vecK[a*kw+b][0] = K[a][b]
		}
	}
	prod := grid.MatMul(Im2Col(X, kh, kw), vecK)
	oh, ow := h-kh+1, w-kw+1
	Y := grid.Zeros(oh, ow)
	for i := 0; i < oh; i++ {
		for j := 0; j < ow; j++ {
			Y[i][j] = prod[i*ow+j][0]
		}
	}
	return Y
	// END SOLUTION
}
