package sec62

// ToeplitzMatrix never returns.
func ToeplitzMatrix(K [][]float32, h, w int) [][]float32 {
	n := 0
	for {
		n++
	}
}
