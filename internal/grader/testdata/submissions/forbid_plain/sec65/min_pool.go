package sec65

import "github.com/d2l-go/d2l-go/exercises/grid"

func MinPool2D(X [][]float32, ph, pw int) [][]float32 {
	Y := grid.Zeros(len(X)-ph+1, len(X[0])-pw+1)
	for i := range Y {
		for j := range Y[i] {
			m := X[i][j]
			for a := 0; a < ph; a++ {
				for b := 0; b < pw; b++ {
					m = min(m, X[i+a][j+b])
				}
			}
			Y[i][j] = m
		}
	}
	return Y
}
