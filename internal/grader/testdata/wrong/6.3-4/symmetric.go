// A plausible wrong answer to exercise 6.3-4: symmetric padding that repeats the end value (numpy "symmetric", not "reflect").
// internal/grader/wrong_test.go checks that the public tests catch it.

package sec63

// MirrorPad1D pads x [n] with p values on each side by reflecting it about its
// end points (the end value itself is not repeated; numpy's "reflect"), giving
// [n+2p]. It requires 0 <= p < n.
// Example: MirrorPad1D([1 2 3 4], 2) = [3 2 1 2 3 4 3 2].
func MirrorPad1D(x []float32, p int) []float32 {
	// BEGIN SOLUTION
	n := len(x)
	out := make([]float32, n+2*p)
	for i := range out {
		j := i - p
		if j < 0 {
			j = -j - 1
		}
		if j >= n {
			j = 2*(n-1) - j
		}
		out[i] = x[j]
	}
	return out
	// END SOLUTION
}

// MirrorPad2D reflect-pads X [h][w] by p rows above and below and p columns left
// and right, giving [h+2p][w+2p] (rows first, then columns). It requires p < h and p < w.
func MirrorPad2D(X [][]float32, p int) [][]float32 {
	// BEGIN SOLUTION
	rows := make([][]float32, len(X))
	for i, r := range X {
		rows[i] = MirrorPad1D(r, p)
	}
	h, w := len(rows), len(rows[0])
	out := make([][]float32, h+2*p)
	for j := 0; j < w; j++ {
		col := make([]float32, h)
		for i := range col {
			col[i] = rows[i][j]
		}
		col = MirrorPad1D(col, p)
		for i := range out {
			if out[i] == nil {
				out[i] = make([]float32, w)
			}
			out[i][j] = col[i]
		}
	}
	return out
	// END SOLUTION
}
