package sec63

// Corr2DPadStride is corr2d with zero padding ph/pw on each side and strides
// sh/sw (a one-channel nn.Conv2d without bias): X [h][w], K [kh][kw] ->
// [⌊(h+2ph−kh)/sh⌋+1][⌊(w+2pw−kw)/sw⌋+1]. Use it to try other combinations.
func Corr2DPadStride(X, K [][]float32, ph, pw, sh, sw int) [][]float32 {
	panic("TODO: 练习 6.3-2")
}
