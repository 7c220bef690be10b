package sec66

import "github.com/d2l-go/d2l-go/d2l"

// LeNetWide is the book's LeNet, unchanged.
func LeNetWide() *d2l.Sequential { return d2l.LeNet() }
