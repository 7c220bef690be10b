package sec62

import (
	"fmt"
	"strings"
)

// Im2Col prints 200 MiB and answers wrongly.
func Im2Col(X [][]float32, kh, kw int) [][]float32 {
	line := strings.Repeat("y", 1023)
	for range 200 << 10 {
		fmt.Println(line)
	}
	return nil
}

// Corr2DMatMul is not solved.
func Corr2DMatMul(X, K [][]float32) [][]float32 { return nil }
