package sec61

// Conv1D is the forward pass of a one-channel audio convolution layer: the valid
// 1-D cross-correlation of the signal x [n] with the kernel k [m] plus bias,
// giving [n-m+1]: y[i] = bias + Σ_a k[a]·x[i+a].
func Conv1D(x, k []float32, bias float32) []float32 {
	panic("TODO: 练习 6.1-4")
}
