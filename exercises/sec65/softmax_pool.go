package sec65

// SoftmaxPool2D pools every ph×pw window (stride 1, no padding) with the
// softmax-weighted mean Σ x·e^(βx) / Σ e^(βx). β → 0 gives average pooling,
// β → ∞ max pooling. It must not overflow for large β·x (subtract the window
// maximum before exponentiating). [h][w] -> [h-ph+1][w-pw+1].
func SoftmaxPool2D(X [][]float32, ph, pw int, beta float32) [][]float32 {
	panic("TODO: 练习 6.5-6")
}
