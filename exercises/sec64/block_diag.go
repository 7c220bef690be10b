package sec64

// BlockDiagMatVec multiplies the block-diagonal c×c matrix made of the b square blocks
// W[k] [c/b][c/b] (all zero outside them) with x [c], without ever building the c×c
// matrix: block k only touches x[k·c/b : (k+1)·c/b]. It costs c²/b multiplications
// instead of c². Example: with the two blocks W = [[[1 2] [3 4]] [[0 1] [1 0]]] and
// x = [1 1 2 3], the result is [3 7 3 2].
func BlockDiagMatVec(W [][][]float32, x []float32) []float32 {
	panic("TODO: 练习 6.4-9")
}
