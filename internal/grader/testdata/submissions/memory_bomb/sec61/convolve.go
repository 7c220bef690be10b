package sec61

// Convolve2D allocates 1.5 GiB and touches it before answering.
func Convolve2D(f, g [][]float32) [][]float32 {
	b := make([]byte, 3<<29)
	for j := 0; j < len(b); j += 4096 {
		b[j] = 1
	}
	return make([][]float32, int(b[0]))
}
