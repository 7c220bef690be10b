package sec66

import "github.com/d2l-go/d2l-go/d2l"

// LeNetWide returns a wider LeNet: the same layers as d2l.LeNet (Sigmoid,
// average pooling) but 16 and 32 output channels in the two convolutions, so
// the flattened features are 32·5·5 = 800: X [n, 1, 28, 28] -> [n, 10],
// 120,382 parameters.
func LeNetWide() *d2l.Sequential {
	panic("TODO: 练习 6.6-2b")
}
