package sec64

// FuseConv1x1 merges two 1×1 convolution layers applied one after the other with
// no nonlinearity between them, the first with weights W1 [c1][c0] and biases b1
// [c1], the second with W2 [c2][c1] and b2 [c2], into the one 1×1 layer that
// computes the same: W [c2][c0] and b [c2].
func FuseConv1x1(
	W1 [][]float32, b1 []float32, W2 [][]float32, b2 []float32,
) (W [][]float32, b []float32) {
	// BEGIN SOLUTION
	// At each pixel: W2·(W1·x + b1) + b2 = (W2·W1)·x + (W2·b1 + b2).
	c0 := len(W1[0])
	W = make([][]float32, len(W2))
	b = make([]float32, len(W2))
	for o := range W2 {
		W[o] = make([]float32, c0)
		b[o] = b2[o]
		for m := range W1 {
			for i := 0; i < c0; i++ {
				W[o][i] += W2[o][m] * W1[m][i]
			}
			b[o] += W2[o][m] * b1[m]
		}
	}
	return W, b
	// END SOLUTION
}
