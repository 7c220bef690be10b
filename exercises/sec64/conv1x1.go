package sec64

// FuseConv1x1 merges two 1×1 convolution layers applied one after the other with
// no nonlinearity between them, the first with weights W1 [c1][c0] and biases b1
// [c1], the second with W2 [c2][c1] and b2 [c2], into the one 1×1 layer that
// computes the same: W [c2][c0] and b [c2].
func FuseConv1x1(
	W1 [][]float32, b1 []float32, W2 [][]float32, b2 []float32,
) (W [][]float32, b []float32) {
	panic("TODO: 练习 6.4-7")
}
