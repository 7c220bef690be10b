package sec64

// CostGrowth returns by what factor the number of multiplications of
// ConvForwardCost grows when (a) both ci and co are doubled, and (b) the
// padding ph, pw is doubled, everything else unchanged.
// Example: doubling the channels always gives channels = 4.
func CostGrowth(ci, h, w, co, kh, kw, ph, pw, sh, sw int) (channels, padding float64) {
	// BEGIN SOLUTION
	base := float64(ConvForwardCost(ci, h, w, co, kh, kw, ph, pw, sh, sw).Mults)
	channels = float64(ConvForwardCost(2*ci, h, w, 2*co, kh, kw, ph, pw, sh, sw).Mults) / base
	padding = float64(ConvForwardCost(ci, h, w, co, kh, kw, 2*ph, 2*pw, sh, sw).Mults) / base
	return channels, padding
	// END SOLUTION
}
