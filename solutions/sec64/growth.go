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
	return mults(2*ci, 2*co, ph, pw) / base, mults(ci, co, 2*ph, 2*pw) / base
	// END SOLUTION
}
