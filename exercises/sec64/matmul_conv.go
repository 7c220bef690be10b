package sec64

// Corr2DMultiInOutMatMul computes corr2d_multi_in_out (X [ci][h][w], K
// [co][ci][kh][kw] -> [co][h-kh+1][w-kw+1]) with ONE matrix product: the
// kernels as a [co][ci·kh·kw] matrix times the unfolded input, a
// [ci·kh·kw][(h-kh+1)·(w-kw+1)] matrix whose column holds one window of every channel.
func Corr2DMultiInOutMatMul(X [][][]float32, K [][][][]float32) [][][]float32 {
	panic("TODO: 练习 6.4-6")
}
