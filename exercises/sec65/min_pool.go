package sec65

// MinPool2D is min pooling (stride 1, no padding) written with max pooling
// only: min = −maxpool(−X). [h][w] -> [h-ph+1][w-pw+1].
func MinPool2D(X [][]float32, ph, pw int) [][]float32 {
	panic("TODO: 练习 6.5-5")
}
