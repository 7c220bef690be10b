package sec64

// Conv1x1MatMul is the 1×1 convolution as one matrix product: with X [ci][h][w]
// seen as a [ci][h·w] matrix and the kernel as W [co][ci], the result is W·X
// reshaped to [co][h][w].
func Conv1x1MatMul(X [][][]float32, W [][]float32) [][][]float32 {
	panic("TODO: 练习 6.4-7")
}
