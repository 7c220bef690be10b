package sec65

// AvgPoolKernel returns the [ph][pw] kernel that turns corr2d into ph×pw
// average pooling: every weight is 1/(ph·pw).
func AvgPoolKernel(ph, pw int) [][]float32 {
	panic("TODO: 练习 6.5-1")
}

// AvgPoolViaCorr is average pooling (stride 1, no padding) computed as one
// cross-correlation with AvgPoolKernel: [h][w] -> [h-ph+1][w-pw+1].
func AvgPoolViaCorr(X [][]float32, ph, pw int) [][]float32 {
	panic("TODO: 练习 6.5-1")
}
