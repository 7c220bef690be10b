// A plausible wrong answer to exercise 6.4-2: the output size ignores the padding.
// internal/grader/wrong_test.go checks that the public tests catch it.

package sec64

// ConvCost counts the work and memory of one convolution's forward pass
// (no bias): multiplications, additions, and the number of floats held by the
// input, the weights and the output.
type ConvCost struct {
	Mults, Adds                             int
	InputFloats, WeightFloats, OutputFloats int
}

// ConvForwardCost returns the forward cost of a convolution of a [ci][h][w]
// input with a [co][ci][kh][kw] kernel bank, padding ph/pw per side and
// strides sh/sw. Every output element takes ci·kh·kw multiplications and
// ci·kh·kw − 1 additions (padded zeros are counted like real inputs).
// Example: ConvForwardCost(2, 3, 3, 3, 2, 2, 0, 0, 1, 1) has Mults = 3·2·2·(2·2·2) = 96.
func ConvForwardCost(ci, h, w, co, kh, kw, ph, pw, sh, sw int) ConvCost {
	// BEGIN SOLUTION
	oh, ow := (h-kh)/sh+1, (w-kw)/sw+1
	outs := co * oh * ow
	return ConvCost{
		Mults:        outs * ci * kh * kw,
		Adds:         outs * (ci*kh*kw - 1),
		InputFloats:  ci * h * w,
		WeightFloats: co * ci * kh * kw,
		OutputFloats: outs,
	}
	// END SOLUTION
}
