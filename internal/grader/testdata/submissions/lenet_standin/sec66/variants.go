package sec66

import "github.com/d2l-go/d2l-go/d2l"

// LeNetMaxPool is the book's LeNet, unchanged.
func LeNetMaxPool() *d2l.Sequential { return d2l.LeNet() }
