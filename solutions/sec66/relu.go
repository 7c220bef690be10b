package sec66

import "github.com/d2l-go/d2l-go/d2l"

// LeNetReLU returns the book's LeNet with every Sigmoid replaced by ReLU
// (average pooling kept): X [n, 1, 28, 28] -> [n, 10], 61,706 parameters.
func LeNetReLU() *d2l.Sequential {
	// BEGIN SOLUTION
	return d2l.NewSequential(
		d2l.NewConv2d(1, 6, d2l.KernelSize(5), d2l.Padding(2)), d2l.NewReLU(),
		d2l.NewAvgPool2d(d2l.KernelSize(2), d2l.Stride(2)),
		d2l.NewConv2d(6, 16, d2l.KernelSize(5)), d2l.NewReLU(),
		d2l.NewAvgPool2d(d2l.KernelSize(2), d2l.Stride(2)),
		d2l.NewFlatten(),
		d2l.NewLinear(16*5*5, 120), d2l.NewReLU(),
		d2l.NewLinear(120, 84), d2l.NewReLU(),
		d2l.NewLinear(84, 10),
	)
	// END SOLUTION
}
