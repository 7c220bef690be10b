package sec66

import "github.com/d2l-go/d2l-go/d2l"

// LeNetMaxPool returns the book's LeNet (d2l.LeNet) with both average-pooling
// layers replaced by max pooling (2×2, stride 2): X [n, 1, 28, 28] -> [n, 10],
// still 61,706 parameters.
func LeNetMaxPool() *d2l.Sequential {
	panic("TODO: 练习 6.6-1")
}
