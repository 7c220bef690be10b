package sec62

// BlurKernel returns an n×n blur kernel for odd n >= 1: weights >= 0 that sum to 1,
// symmetric under flips and transposition, largest in the centre or equal. Cross-
// correlated with an image it replaces each pixel by a weighted average of its
// neighbourhood: a constant image stays the same, fine detail (noise, a checkerboard)
// is smoothed away. Any such design is accepted (box, binomial, Gaussian).
// Example: BlurKernel(1) is [[1]].
func BlurKernel(n int) [][]float32 {
	// BEGIN SOLUTION
	// Binomial weights C(n-1, k) approximate a Gaussian; the outer product of the row
	// with itself, divided by the square of its sum, is the 2-D kernel.
	row := make([]float64, n)
	row[0] = 1
	for k := 1; k < n; k++ {
		row[k] = row[k-1] * float64(n-k) / float64(k)
	}
	sum := 0.0
	for _, v := range row {
		sum += v
	}
	K := make([][]float32, n)
	for i := range K {
		K[i] = make([]float32, n)
		for j := range K[i] {
			K[i][j] = float32(row[i] * row[j] / (sum * sum))
		}
	}
	return K
	// END SOLUTION
}
