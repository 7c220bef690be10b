package sec62

// BlurKernel returns an n×n blur kernel for odd n >= 1: weights >= 0 that sum to 1,
// symmetric under flips and transposition, largest in the centre or equal. Cross-
// correlated with an image it replaces each pixel by a weighted average of its
// neighbourhood: a constant image stays the same, fine detail (noise, a checkerboard)
// is smoothed away. Any such design is accepted (box, binomial, Gaussian).
// Example: BlurKernel(1) is [[1]].
func BlurKernel(n int) [][]float32 {
	panic("TODO: 练习 6.2-6")
}
