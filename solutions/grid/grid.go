// Package grid holds the small plain-Go helpers on [][]float32 matrices that
// the chapter 6 exercises share (the book's corr2d and friends). It is given
// to students as is: it contains no exercise.
//
// A matrix is a [][]float32 of h rows of w columns ([h][w], row-major), a
// multi-channel image is [][][]float32 of shape [c][h][w], and a kernel bank
// is [][][][]float32 of shape [co][ci][kh][kw].
package grid

import "fmt"

// Zeros returns a new [h][w] matrix of zeros.
func Zeros(h, w int) [][]float32 {
	m := make([][]float32, h)
	for i := range m {
		m[i] = make([]float32, w)
	}
	return m
}

// Shape returns the [rows, cols] of a matrix; cols is the length of the first
// row (0 for an empty matrix).
func Shape(m [][]float32) (rows, cols int) {
	if len(m) == 0 {
		return 0, 0
	}
	return len(m), len(m[0])
}

// Transpose returns mᵀ: [h][w] -> [w][h].
func Transpose(m [][]float32) [][]float32 {
	h, w := Shape(m)
	t := Zeros(w, h)
	for i := 0; i < h; i++ {
		for j := 0; j < w; j++ {
			t[j][i] = m[i][j]
		}
	}
	return t
}

// Corr2D is the book's corr2d: the valid 2-D cross-correlation of X [h][w]
// with K [kh][kw], giving [h-kh+1][w-kw+1]. It panics when K is larger than X.
func Corr2D(X, K [][]float32) [][]float32 {
	h, w := Shape(X)
	kh, kw := Shape(K)
	if kh > h || kw > w || kh == 0 || kw == 0 {
		panic(fmt.Sprintf("grid.Corr2D: argument K: got shape [%d %d], want a non-empty kernel no larger than X [%d %d]", kh, kw, h, w))
	}
	Y := Zeros(h-kh+1, w-kw+1)
	for i := range Y {
		for j := range Y[i] {
			var s float32
			for a := 0; a < kh; a++ {
				for b := 0; b < kw; b++ {
					s += X[i+a][j+b] * K[a][b]
				}
			}
			Y[i][j] = s
		}
	}
	return Y
}

// MatMul returns the matrix product A·B of A [n][k] and B [k][m], giving [n][m].
// It panics when the inner sizes differ.
func MatMul(A, B [][]float32) [][]float32 {
	n, k := Shape(A)
	k2, m := Shape(B)
	if k != k2 {
		panic(fmt.Sprintf("grid.MatMul: argument B: got %d rows, want %d (the columns of A)", k2, k))
	}
	C := Zeros(n, m)
	for i := 0; i < n; i++ {
		for p := 0; p < k; p++ {
			a := A[i][p]
			for j := 0; j < m; j++ {
				C[i][j] += a * B[p][j]
			}
		}
	}
	return C
}

// Pool2D is the book's pool2d: stride 1, no padding, mode "max" or "avg";
// X [h][w] -> [h-ph+1][w-pw+1].
func Pool2D(X [][]float32, ph, pw int, mode string) [][]float32 {
	h, w := Shape(X)
	if ph < 1 || pw < 1 || ph > h || pw > w {
		panic(fmt.Sprintf("grid.Pool2D: argument pool size: got [%d %d], want between [1 1] and [%d %d]", ph, pw, h, w))
	}
	Y := Zeros(h-ph+1, w-pw+1)
	for i := range Y {
		for j := range Y[i] {
			acc := X[i][j]
			if mode == "avg" {
				acc = 0
			}
			for a := 0; a < ph; a++ {
				for b := 0; b < pw; b++ {
					v := X[i+a][j+b]
					switch mode {
					case "max":
						acc = max(acc, v)
					case "avg":
						acc += v
					default:
						panic(fmt.Sprintf("grid.Pool2D: argument mode: got %q, want \"max\" or \"avg\"", mode))
					}
				}
			}
			if mode == "avg" {
				acc /= float32(ph * pw)
			}
			Y[i][j] = acc
		}
	}
	return Y
}

// Map returns f applied to every element of m, in a new matrix.
func Map(m [][]float32, f func(float32) float32) [][]float32 {
	h, w := Shape(m)
	out := Zeros(h, w)
	for i := 0; i < h; i++ {
		for j := 0; j < w; j++ {
			out[i][j] = f(m[i][j])
		}
	}
	return out
}
