package sec66

import "github.com/d2l-go/d2l-go/d2l"

// LeNetWide returns a wider LeNet: the same layers as d2l.LeNet (Sigmoid,
// average pooling) but 16 and 32 output channels in the two convolutions, so
// the flattened features are 32·5·5 = 800: X [n, 1, 28, 28] -> [n, 10],
// 120,382 parameters.
func LeNetWide() *d2l.Sequential {
	// BEGIN SOLUTION
	return d2l.NewSequential(
		d2l.NewConv2d(1, 16, d2l.KernelSize(5), d2l.Padding(2)), d2l.NewSigmoid(),
		d2l.NewAvgPool2d(d2l.KernelSize(2), d2l.Stride(2)),
		d2l.NewConv2d(16, 32, d2l.KernelSize(5)), d2l.NewSigmoid(),
		d2l.NewAvgPool2d(d2l.KernelSize(2), d2l.Stride(2)),
		d2l.NewFlatten(),
		d2l.NewLinear(32*5*5, 120), d2l.NewSigmoid(),
		d2l.NewLinear(120, 84), d2l.NewSigmoid(),
		d2l.NewLinear(84, 10),
	)
	// END SOLUTION
}
