package similarity_test

import (
	"fmt"

	"github.com/d2l-go/d2l-go/internal/similarity"
)

// A copy with every name changed and a comment added shares all of its
// fingerprints with the original; a different solution of the same task
// shares few.
func ExampleCompare() {
	original := []byte(`package p

func Sum(xs [][]float32) float32 {
	var total float32
	for i := 0; i < len(xs); i++ {
		for j := 0; j < len(xs[i]); j++ {
			total += xs[i][j] * 2
		}
	}
	return total
}
`)
	disguised := []byte(`package p

// Sum adds everything up, twice.
func Sum(grid [][]float32) float32 {
	var acc float32
	for r := 0; r < len(grid); r++ {
		for c := 0; c < len(grid[r]); c++ {
			acc += grid[r][c] * 3
		}
	}
	return acc
}
`)
	other := []byte(`package p

func Sum(xs [][]float32) (s float32) {
	for _, row := range xs {
		for _, v := range row {
			s += 2 * v
		}
	}
	return
}
`)
	doc := func(name string, src []byte) *similarity.Doc {
		return similarity.NewDoc(name, src, nil, similarity.DefaultK, similarity.DefaultW)
	}
	a, b, c := doc("original", original), doc("disguised", disguised), doc("other", other)
	fmt.Printf("disguised: %.2f\n", similarity.Compare(a, b, nil).Score)
	fmt.Printf("other:     %.2f\n", similarity.Compare(a, c, nil).Score)
	// Output:
	// disguised: 1.00
	// other:     0.00
}
