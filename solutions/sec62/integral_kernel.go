package sec62

// IntegralKernel returns the [h][w] kernel whose cross-correlation with an image
// gives, at every position, the discrete integral (sum) of the image over the
// h×w window starting there (a box filter without normalisation).
func IntegralKernel(h, w int) [][]float32 {
	// BEGIN SOLUTION
	K := make([][]float32, h)
	for i := range K {
		K[i] = make([]float32, w)
		for j := range K[i] {
			K[i][j] = 1
		}
	}
	return K
	// END SOLUTION
}
