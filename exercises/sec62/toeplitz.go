package sec62

// ToeplitzMatrix returns the matrix W [(h-kh+1)·(w-kw+1)][h·w] built from the
// kernel K [kh][kw] such that W · vec(X) = vec(corr2d(X, K)) for every X [h][w],
// where vec reads a matrix row by row. Row i·(w-kw+1)+j of W holds K placed at
// the window whose top-left corner is X[i][j], zeros elsewhere.
func ToeplitzMatrix(K [][]float32, h, w int) [][]float32 {
	panic("TODO: 练习 6.2-3b")
}
