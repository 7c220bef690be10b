package sec64

// ConvCost is as given.
type ConvCost struct {
	Mults, Adds                             int
	InputFloats, WeightFloats, OutputFloats int
}

// ConvForwardCost changed its signature: the compiler complains in the tests
// (not in this file), so each exercise of sec64 is built on its own.
func ConvForwardCost(ci, h, w int) ConvCost { return ConvCost{} }
