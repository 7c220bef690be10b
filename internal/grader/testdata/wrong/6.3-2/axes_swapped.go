// A plausible wrong answer to exercise 6.3-2: the row stride and padding used for columns and the reverse.
// internal/grader/wrong_test.go checks that the public tests catch it.

package sec63

// Corr2DPadStride is corr2d with zero padding ph/pw on each side and strides
// sh/sw (a one-channel nn.Conv2d without bias): X [h][w], K [kh][kw] ->
// [⌊(h+2ph−kh)/sh⌋+1][⌊(w+2pw−kw)/sw⌋+1]. Use it to try other combinations.
func Corr2DPadStride(X, K [][]float32, ph, pw, sh, sw int) [][]float32 {
	// BEGIN SOLUTION
	h, w := len(X), len(X[0])
	kh, kw := len(K), len(K[0])
	oh, ow := (h+2*ph-kh)/sh+1, (w+2*pw-kw)/sw+1
	Y := make([][]float32, oh)
	for i := range Y {
		Y[i] = make([]float32, ow)
		for j := range Y[i] {
			var s float32
			for a := 0; a < kh; a++ {
				for b := 0; b < kw; b++ {
					r, c := i*sw+a-pw, j*sh+b-ph
					if r >= 0 && r < h && c >= 0 && c < w {
						s += X[r][c] * K[a][b]
					}
				}
			}
			Y[i][j] = s
		}
	}
	return Y
	// END SOLUTION
}
