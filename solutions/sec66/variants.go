package sec66

import "github.com/d2l-go/d2l-go/d2l"

// LeNetMaxPool returns the book's LeNet (d2l.LeNet) with both average-pooling
// layers replaced by max pooling (2×2, stride 2): X [n, 1, 28, 28] -> [n, 10],
// still 61,706 parameters.
func LeNetMaxPool() *d2l.Sequential {
	// BEGIN SOLUTION
	return d2l.NewSequential(
		d2l.NewConv2d(1, 6, d2l.KernelSize(5), d2l.Padding(2)), d2l.NewSigmoid(),
		d2l.NewMaxPool2d(d2l.KernelSize(2), d2l.Stride(2)),
		d2l.NewConv2d(6, 16, d2l.KernelSize(5)), d2l.NewSigmoid(),
		d2l.NewMaxPool2d(d2l.KernelSize(2), d2l.Stride(2)),
		d2l.NewFlatten(),
		d2l.NewLinear(16*5*5, 120), d2l.NewSigmoid(),
		d2l.NewLinear(120, 84), d2l.NewSigmoid(),
		d2l.NewLinear(84, 10),
	)
	// END SOLUTION
}
