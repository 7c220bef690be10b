package sec61

// Convolve2D allocates and touches 1.5 GiB before answering.
func Convolve2D(f, g [][]float32) [][]float32 {
	var keep [][]byte
	for range 12 {
		b := make([]byte, 128<<20)
		for j := 0; j < len(b); j += 4096 {
			b[j] = 1
		}
		keep = append(keep, b)
	}
	return make([][]float32, len(keep))
}
