package sec64

// ComposeKernels returns the single kernel K [k1h+k2h−1][k1w+k2w−1] such that
// corr2d(corr2d(X, K1), K2) = corr2d(X, K) for every X large enough:
// K[u][v] = Σ K1[a][b]·K2[c][d] over a+c = u, b+d = v.
func ComposeKernels(K1, K2 [][]float32) [][]float32 {
	panic("TODO: 练习 6.4-1")
}
