package sec62

// IntegralKernel returns the [h][w] kernel whose cross-correlation with an image
// gives, at every position, the discrete integral (sum) of the image over the
// h×w window starting there (a box filter without normalisation).
func IntegralKernel(h, w int) [][]float32 {
	panic("TODO: 练习 6.2-4b")
}
