package sec62

// Im2Col unfolds every kh×kw window of X [h][w] into one row: the result is
// [(h-kh+1)·(w-kw+1)][kh·kw]; row i·(w-kw+1)+j holds the window whose top-left
// corner is X[i][j], read row by row (column a·kw+b is X[i+a][j+b]).
func Im2Col(X [][]float32, kh, kw int) [][]float32 {
	panic("TODO: 练习 6.2-3a")
}

// Corr2DMatMul computes corr2d(X, K) (X [h][w], K [kh][kw] -> [h-kh+1][w-kw+1])
// with ONE matrix product: Im2Col(X, kh, kw) · vec(K), where vec(K) is K read
// row by row as a [kh·kw][1] column; the product is then reshaped.
func Corr2DMatMul(X, K [][]float32) [][]float32 {
	panic("TODO: 练习 6.2-3a")
}
