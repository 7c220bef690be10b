package sec61

// Convolve2D is the mathematical ("full") 2-D convolution of (6.1.6):
// (f*g)(i, j) = Σ_a Σ_b f(a, b)·g(i-a, j-b), for f [p][q] and g [r][s] taken as
// zero outside their support, giving [p+r-1][q+s-1].
func Convolve2D(f, g [][]float32) [][]float32 {
	panic("TODO: 练习 6.1-6")
}
