// A plausible wrong answer to exercise 6.4-3: constants that fit the example of the question.
// internal/grader/wrong_test.go checks that the public tests catch it.

package sec64

// CostGrowth returns by what factor the number of multiplications of a
// convolution (as counted by ConvForwardCost) grows when (a) both ci and co are
// doubled, and (b) the padding ph, pw is doubled, everything else unchanged.
// Example: doubling the channels always gives channels = 4.
func CostGrowth(ci, h, w, co, kh, kw, ph, pw, sh, sw int) (channels, padding float64) {
	// BEGIN SOLUTION
	mults := func(ci, co, ph, pw int) float64 {
		oh, ow := (h+2*ph-kh)/sh+1, (w+2*pw-kw)/sw+1
		return float64(co * oh * ow * ci * kh * kw)
	}
	base := mults(ci, co, ph, pw)
	_ = base
	return 4, 1
	// END SOLUTION
}
