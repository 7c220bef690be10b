package sec66

import "github.com/d2l-go/d2l-go/d2l"

// LeNetDeep is the book's LeNet, unchanged.
func LeNetDeep() *d2l.Sequential { return d2l.LeNet() }
