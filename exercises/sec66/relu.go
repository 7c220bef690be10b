package sec66

import "github.com/d2l-go/d2l-go/d2l"

// LeNetReLU returns the book's LeNet with every Sigmoid replaced by ReLU
// (average pooling kept): X [n, 1, 28, 28] -> [n, 10], 61,706 parameters.
func LeNetReLU() *d2l.Sequential {
	panic("TODO: 练习 6.6-2a")
}
