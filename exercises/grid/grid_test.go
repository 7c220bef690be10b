package grid_test

import (
	"fmt"
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/d2l-go/d2l-go/exercises/grid"
)

// ExampleCorr2D reproduces the book's first cross-correlation.
func ExampleCorr2D() {
	X := [][]float32{{0, 1, 2}, {3, 4, 5}, {6, 7, 8}}
	K := [][]float32{{0, 1}, {2, 3}}
	fmt.Println(grid.Corr2D(X, K))
	// Output: [[19 25] [37 43]]
}

// TestHelpers checks the helpers on small hand-computed cases.
func TestHelpers(t *testing.T) {
	X := [][]float32{{0, 1, 2}, {3, 4, 5}, {6, 7, 8}}
	for _, c := range []struct {
		name      string
		got, want [][]float32
	}{
		{"Pool2D max", grid.Pool2D(X, 2, 2, "max"), [][]float32{{4, 5}, {7, 8}}},
		{"Pool2D avg", grid.Pool2D(X, 2, 2, "avg"), [][]float32{{2, 3}, {5, 6}}},
		{"Transpose", grid.Transpose([][]float32{{1, 2, 3}}), [][]float32{{1}, {2}, {3}}},
		{"MatMul", grid.MatMul([][]float32{{1, 2}}, [][]float32{{3}, {4}}), [][]float32{{11}}},
		{"Map", grid.Map([][]float32{{-1, 2}}, func(v float32) float32 { return v * v }), [][]float32{{1, 4}}},
		{"Zeros", grid.Zeros(1, 2), [][]float32{{0, 0}}},
	} {
		assert.Equal(t, c.want, c.got, c.name)
	}
	assert.PanicsWithValue(t, "grid.Corr2D: argument K: got shape [4 1], want a non-empty kernel no larger than X [3 3]",
		func() { grid.Corr2D(X, [][]float32{{1}, {1}, {1}, {1}}) })
}
