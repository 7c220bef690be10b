package sec63

// MirrorPad1D has a type error: the other exercises of sec63 must still be graded.
func MirrorPad1D(x []float32, p int) []float32 {
	return "not a slice"
}

// MirrorPad2D is never reached.
func MirrorPad2D(X [][]float32, p int) [][]float32 { return X }
