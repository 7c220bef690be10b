package sec66

import "github.com/d2l-go/d2l-go/d2l"

// LeNetReLU is the book's LeNet, unchanged.
func LeNetReLU() *d2l.Sequential { return d2l.LeNet() }
