// A plausible wrong answer to exercise 6.4-6: the kernel height and width swapped.
// internal/grader/wrong_test.go checks that the public tests catch it.

package sec64

// Corr2DMultiInOutMatMul computes corr2d_multi_in_out (X [ci][h][w], K
// [co][ci][kh][kw] -> [co][h-kh+1][w-kw+1]) with ONE matrix product: the
// kernels as a [co][ci·kh·kw] matrix times the unfolded input, a
// [ci·kh·kw][(h-kh+1)·(w-kw+1)] matrix whose column holds one window of every channel.
func Corr2DMultiInOutMatMul(X [][][]float32, K [][][][]float32) [][][]float32 {
	// BEGIN SOLUTION
	ci, h, w := len(X), len(X[0]), len(X[0][0])
	co, kw, kh := len(K), len(K[0][0]), len(K[0][0][0])
	oh, ow := h-kh+1, w-kw+1
	rows := ci * kh * kw
	cols := make([][]float32, rows) // [ci·kh·kw][oh·ow]
	for c := 0; c < ci; c++ {
		for a := 0; a < kh; a++ {
			for b := 0; b < kw; b++ {
				row := make([]float32, oh*ow)
				for i := 0; i < oh; i++ {
					for j := 0; j < ow; j++ {
						row[i*ow+j] = X[c][i+a][j+b]
					}
				}
				cols[(c*kh+a)*kw+b] = row
			}
		}
	}
	Y := make([][][]float32, co)
	for o := 0; o < co; o++ {
		flat := make([]float32, oh*ow)
		for c := 0; c < ci; c++ {
			for a := 0; a < kh; a++ {
				for b := 0; b < kw; b++ {
					k := K[o][c][a][b]
					for p, v := range cols[(c*kh+a)*kw+b] {
						flat[p] += k * v
					}
				}
			}
		}
		Y[o] = make([][]float32, oh)
		for i := range Y[o] {
			Y[o][i] = flat[i*ow : (i+1)*ow]
		}
	}
	return Y
	// END SOLUTION
}
