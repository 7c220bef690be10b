package sec64

// CostGrowth returns by what factor the number of multiplications of a
// convolution (as counted by ConvForwardCost) grows when (a) both ci and co are
// doubled, and (b) the padding ph, pw is doubled, everything else unchanged.
// Example: doubling the channels always gives channels = 4.
func CostGrowth(ci, h, w, co, kh, kw, ph, pw, sh, sw int) (channels, padding float64) {
	panic("TODO: 练习 6.4-3")
}
