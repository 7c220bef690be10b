package sec63

// MirrorPad1D pads x [n] with p values on each side by reflecting it about its
// end points (the end value itself is not repeated; numpy's "reflect"), giving
// [n+2p]. It requires 0 <= p < n.
// Example: MirrorPad1D([1 2 3 4], 2) = [3 2 1 2 3 4 3 2].
func MirrorPad1D(x []float32, p int) []float32 {
	panic("TODO: 练习 6.3-4")
}

// MirrorPad2D reflect-pads X [h][w] by p rows above and below and p columns left
// and right, giving [h+2p][w+2p] (rows first, then columns). It requires p < h and p < w.
func MirrorPad2D(X [][]float32, p int) [][]float32 {
	panic("TODO: 练习 6.3-4")
}
