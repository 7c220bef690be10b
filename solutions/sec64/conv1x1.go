package sec64

// Conv1x1MatMul is the 1×1 convolution as one matrix product: with X [ci][h][w]
// seen as a [ci][h·w] matrix and the kernel as W [co][ci], the result is W·X
// reshaped to [co][h][w].
func Conv1x1MatMul(X [][][]float32, W [][]float32) [][][]float32 {
	// BEGIN SOLUTION
	ci, h, w := len(X), len(X[0]), len(X[0][0])
	Y := make([][][]float32, len(W))
	for o := range W {
		Y[o] = make([][]float32, h)
		for i := 0; i < h; i++ {
			Y[o][i] = make([]float32, w)
			for j := 0; j < w; j++ {
				var s float32
				for c := 0; c < ci; c++ {
					s += W[o][c] * X[c][i][j]
				}
				Y[o][i][j] = s
			}
		}
	}
	return Y
	// END SOLUTION
}
